import { LauncherContractDocument } from '../../model/launcher-contract';
import type { PhaseDelta } from '../phase-delta-report';

/** How many items of one kind a node lists before "+N more". */
const MAX_ITEMS = 3;

/**
 * The trust ladder of one agent as a Mermaid `flowchart` (renders in GitHub
 * and GitLab Markdown): one node per phase with what it adds over the phase
 * below (Kubernetes grants, Vault paths, egress), the agent's ceiling in a
 * bold frame, phases above it dashed, and the step under review drawn as a
 * thick, highlighted edge into a highlighted node. The text tables of the
 * report stay the record; this is for the glance.
 * @internal
 */
export class LadderDiagram {
  /**
   * The diagram. `ladder` holds one delta per adjacent step, lowest first;
   * `review` is the step under review (its phases may be more than one apart).
   */
  public static render(document: LauncherContractDocument, ladder: PhaseDelta[], review?: { fromPhase: string; toPhase: string }): string[] {
    const phases = document.phases.map(p => p.name);
    const ceiling = phases.indexOf(document.ceiling);
    const from = review ? phases.indexOf(review.fromPhase) : -1;
    const to = review ? phases.indexOf(review.toPhase) : -1;
    const lines = ['flowchart LR'];
    phases.forEach((name, i) => {
      const delta = ladder.find(d => d.toPhase === name);
      const title = `<b>${LadderDiagram.text(name)}</b>${i === ceiling ? ' (ceiling)' : ''}`;
      const body = i === 0 || !delta ? LadderDiagram.base(document, name) : LadderDiagram.added(delta);
      lines.push(`  p${i}["${[title, ...body].join('<br/>')}"]`);
    });
    const reviewed: number[] = [];
    for (let i = 1; i < phases.length; i++) {
      const inReview = from >= 0 && i > from && i <= to;
      const label = i - 1 === ceiling ? 'promotion' : i <= ceiling ? 'granted' : 'not granted';
      lines.push(`  p${i - 1} ${inReview ? '==>' : '-->'}|"${inReview ? 'under review' : label}"| p${i}`);
      if (inReview) {
        reviewed.push(i - 1);
      }
    }
    lines.push(
      '  classDef ceiling stroke-width:4px',
      '  classDef above stroke-dasharray:5 5',
      '  classDef review fill:#fff3cd,stroke:#d39e00,stroke-width:3px',
      `  class p${ceiling} ceiling`,
    );
    const above = phases.map((_, i) => i).filter(i => i > ceiling && i !== to);
    if (above.length > 0) {
      lines.push(`  class ${above.map(i => `p${i}`).join(',')} above`);
    }
    if (to >= 0) {
      lines.push(`  class p${to} review`);
    }
    if (reviewed.length > 0) {
      lines.push(`  linkStyle ${reviewed.join(',')} stroke:#d39e00,stroke-width:3px`);
    }
    return lines;
  }

  /** The lowest phase: what it holds, not what it adds. */
  private static base(document: LauncherContractDocument, name: string): string[] {
    const p = document.phases.find(x => x.name === name)!;
    const held = [...LadderDiagram.items('Vault', p.vaultPaths), ...LadderDiagram.items('egress', p.egress)];
    return held.length > 0 ? held : ['no Vault path, no egress'];
  }

  private static added(delta: PhaseDelta): string[] {
    const grants = delta.addedPermissions.map(g => `${g.verbs.join(',')} ${g.resource}`);
    const out = [
      // No RBAC in the output for a phase above every ceiling: say so rather than "adds nothing".
      ...(delta.unrendered ? ['+ RBAC: not rendered (raise the ceiling)'] : LadderDiagram.items('+ RBAC', [...new Set(grants)])),
      ...LadderDiagram.items('+ Vault', delta.addedVaultPaths),
      ...LadderDiagram.items('+ egress', delta.addedEgress),
    ];
    return out.length > 0 ? out : ['adds nothing'];
  }

  private static items(kind: string, values: string[]): string[] {
    if (values.length === 0) {
      return [];
    }
    const shown = values.slice(0, MAX_ITEMS).map(v => `${kind}: ${LadderDiagram.text(v)}`);
    return values.length > MAX_ITEMS ? [...shown, `${kind}: +${values.length - MAX_ITEMS} more`] : shown;
  }

  /**
   * Text safe inside a quoted Mermaid label: Mermaid's entity codes for the
   * characters that end or mark up a label (an unescaped quote is silently
   * dropped), control characters as spaces (the tables keep the exact value).
   */
  private static text(value: string): string {
    return value.replace(/[#"<>&|`]/g, c => `#${c.charCodeAt(0)};`).replace(/[\u0000-\u001f\u007f]/g, ' ');
  }
}
