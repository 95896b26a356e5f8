import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { defaultChart } from '../../examples/default/k8s';
import { PhaseDeltaReport } from '../../lib/check/phase-delta-report';
import { LauncherContractLoader } from '../../lib/launcher';
import { LauncherContractDocument } from '../../lib/model';
import { mermaidBlock, parseFlowcharts } from '../helpers/mermaid';

// GIVEN the default example's synth output: diagnostics, ceiling read-only, on the standard four-phase ladder
const manifests = Testing.synth(defaultChart(Testing.app()));
const doc = LauncherContractLoader.fromObjects(manifests, 'default example', 'diagnostics');
/** Mermaid's entity codes (`#34;`) back to characters, as the renderer shows them. */
const decode = (text: string): string => text.replace(/#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
const diagramOf = (d: LauncherContractDocument, from?: string, to?: string): string =>
  mermaidBlock(PhaseDeltaReport.compute(d, manifests, { fromPhase: from, toPhase: to }).toMarkdown());

describe('agent-trust report: the ladder as a Mermaid flowchart', () => {
  const full = diagramOf(doc);
  const single = diagramOf(doc, 'shadow', 'limited-write');
  const top = diagramOf({ ...doc, ceiling: 'autonomous' });
  const [parsedFull, parsedSingle, parsedTop] = parseFlowcharts([full, single, top]);

  test('the report keeps its text tables and adds a ```mermaid flowchart before them', () => {
    const md = PhaseDeltaReport.compute(doc, manifests).toMarkdown();
    expect(md.indexOf('```mermaid\nflowchart LR')).toBeGreaterThan(0);
    expect(md.indexOf('```mermaid')).toBeLessThan(md.indexOf('## `shadow` → `read-only`'));
    // Identities up to the ceiling read-only: the step above says where its verbs come from.
    expect(md).toContain('| `payments` | `core/pods/log` | get, list, watch |');
    expect(md).toContain('_Not in this output: `limited-write` is above every agent\'s ceiling');
    expect(md).toContain('Under review: `read-only` → `limited-write` (thick edge, highlighted).');
  });

  test('mermaid\'s own flowchart grammar parses it: one node per phase, one edge per step', () => {
    expect(parsedFull.error).toBeUndefined();
    expect(parsedFull.direction).toBe('LR');
    expect(parsedFull.vertices!.map(v => v.id)).toEqual(['p0', 'p1', 'p2', 'p3']);
    expect(parsedFull.vertices!.map(v => /<b>(.*?)<\/b>/.exec(v.text)![1])).toEqual(doc.phases.map(p => p.name));
    expect(parsedFull.edges!.map(e => `${e.start}->${e.end}`)).toEqual(['p0->p1', 'p1->p2', 'p2->p3']);
  });

  test('the ceiling is framed, phases above it dashed, the promotion above the ceiling is the step under review', () => {
    const byId = Object.fromEntries(parsedFull.vertices!.map(v => [v.id, v]));
    expect(byId.p1.classes).toEqual(['ceiling']);
    expect(byId.p1.text).toContain('(ceiling)');
    expect(byId.p2.classes).toEqual(['review']);
    expect(byId.p3.classes).toEqual(['above']);
    expect(parsedFull.edges!.map(e => [e.text, e.stroke])).toEqual([['granted', 'normal'], ['under review', 'thick'], ['not granted', 'normal']]);
    expect(parsedFull.edges![1].style).toContain('stroke:#d39e00');
    expect(parsedFull.classes).toMatchObject({ ceiling: ['stroke-width:4px'], above: ['stroke-dasharray:5 5'] });
  });

  test('each phase lists what it adds over the one below: RBAC, Vault paths, egress', () => {
    const [shadow, readOnly, limited] = parsedFull.vertices!;
    expect(shadow.text).toContain('Vault: agents/llm/data/read-only');
    expect(readOnly.text).toContain('+ RBAC: get,list,watch core/nodes');
    expect(readOnly.text).toContain('+ Vault: agents/application/creds/read-only');
    expect(readOnly.text).toContain('+ egress: 10.30.0.0/16:5432/TCP');
    // limited-write is above the ceiling, so the default output holds no RBAC for it (AgentFleet.renderedPhases).
    expect(limited.text).toContain('+ RBAC: not rendered (raise the ceiling)');
    expect(limited.text).not.toContain('egress');
    // Long lists are cut with a count, so a node stays readable.
    expect(readOnly.text).toMatch(/\+ RBAC: \+\d+ more/);
  });

  test('a single step spanning two phases marks both edges and its target', () => {
    expect(parsedSingle.error).toBeUndefined();
    expect(parsedSingle.edges!.map(e => e.stroke)).toEqual(['thick', 'thick', 'normal']);
    expect(parsedSingle.vertices!.find(v => v.id === 'p2')!.classes).toEqual(['review']);
    // The nodes still show per-phase additions, not the cumulative delta.
    expect(parsedSingle.vertices!.find(v => v.id === 'p2')!.text).not.toContain('core/nodes');
  });

  test('an agent at the top of the ladder has no step under review', () => {
    expect(parsedTop.error).toBeUndefined();
    expect(parsedTop.edges!.every(e => e.stroke === 'normal' && e.text === 'granted')).toBe(true);
    expect(parsedTop.vertices!.find(v => v.id === 'p3')!.classes).toEqual(['ceiling']);
    expect(top).not.toMatch(/class p\d+ review|linkStyle/);
    expect(PhaseDeltaReport.compute({ ...doc, ceiling: 'autonomous' }, manifests).toMarkdown())
      .toContain('No step under review: the agent is at the top of the ladder.');
  });

  test('a one-phase ladder is one framed node and still parses', () => {
    const one = diagramOf({ ...doc, phases: [doc.phases[0]], ceiling: doc.phases[0].name });
    const [parsed] = parseFlowcharts([one]);
    expect(parsed.error).toBeUndefined();
    expect(parsed.vertices!.map(v => [v.id, v.classes])).toEqual([['p0', ['ceiling']]]);
    expect(parsed.edges).toEqual([]);
  });

  test('snapshot of the diagram', () => {
    expect(full).toMatchSnapshot();
  });

  test('the parser check has teeth: an unterminated edge label, a missing bracket, an unknown keyword fail', () => {
    const results = parseFlowcharts([
      'flowchart LR\n  p0 -->|"x| p1\n',
      'flowchart LR\n  p0["x" --> p1\n',
      'flowchart LR\n  p0 --> p1\n  klass p0 x\n',
    ]);
    for (const r of results) {
      expect(r.error).toMatch(/Parse error|Lexical error/);
    }
  });

  test('an unescaped quote would be dropped silently, so the diagram escapes it', () => {
    const [raw] = parseFlowcharts(['flowchart LR\n  p0["say "hi""]\n']);
    expect(raw.vertices![0].text).toBe('say hi');
    const quoted = diagramOf({ ...doc, phases: doc.phases.map((p, i) => (i === 1 ? { ...p, vaultPaths: ['kv/"quoted"#<b>|x'] } : p)) });
    const [parsed] = parseFlowcharts([quoted]);
    expect(decode(parsed.vertices![1].text)).toContain('+ Vault: kv/"quoted"#<b>|x');
  });

  test('property: whatever text an egress entry or Vault path holds, the diagram still parses and keeps its nodes', () => {
    const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), { numRuns: 40, seed: 15 });
    const diagrams = samples.map(text => diagramOf({
      ...doc,
      // read-only adds exactly the sample, as a Vault path and as an egress entry.
      phases: doc.phases.map((p, i) => (i === 1 ? { ...p, egress: [...doc.phases[0].egress, text], vaultPaths: [...doc.phases[0].vaultPaths, text] } : p)),
    }));
    parseFlowcharts(diagrams).forEach((r, i) => {
      expect({ sample: samples[i], error: r.error, nodes: r.vertices?.length }).toEqual({ sample: samples[i], error: undefined, nodes: 4 });
      // The text survives (control characters shown as spaces).
      const shown = samples[i].replace(/[\u0000-\u001f\u007f]/g, ' ');
      // (Mermaid trims the label's trailing blanks; the egress line is the last.)
      expect(decode(r.vertices![1].text)).toContain(`+ Vault: ${shown}<br/>+ egress: ${shown}`.trimEnd());
    });
  });
});
