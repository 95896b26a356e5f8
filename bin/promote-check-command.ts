import { LauncherContractLoader } from '../lib/launcher/launcher-contract-loader';
import { SynthOutput } from '../lib/launcher/synth-output';
import { PromotionDecision, PromotionGate } from '../lib/model/promotion-gate';
import { TrustLadder } from '../lib/model/trust-ladder';
import { CliError, Command, ExitCode, oneOf, parseFlags, requireFlags, withProblems } from './cli-support';

const FLAGS = {
  evidence: { type: 'string' as const },
  agent: { type: 'string' as const },
  to: { type: 'string' as const },
  from: { type: 'string' as const },
  contract: { type: 'string' as const },
  format: { type: 'string' as const },
};

/** `agent-trust promote-check`: is the evidence enough to promote? */
export const promoteCheckCommand: Command = {
  name: 'promote-check',
  summary: 'check observed evidence against the promotion criteria of the next phase',
  help: `Usage: agent-trust promote-check --evidence <file> --agent <name> --to <phase>
                                   [--from <phase>] [--contract <file|dir>] [--format text|json]

Compare the evidence observed while the agent ran in its current phase with the
criteria for entering --to, and list every unmet criterion and every demotion
trigger that fired. Promotion goes one phase up at a time.

Flags:
  --evidence <file>      JSON evidence: { "agent", "currentPhase", "investigations",
                         "successRate" | "agreementRate", "policyViolations", "daysInPhase",
                         "approvals": [{ "approver", "approvedAt"? }], "securityIncidents"?,
                         "triggeredEvents"? }
  --agent <name>         the agent (must match the evidence)
  --to <phase>           the phase to promote into
  --from <phase>         the phase promoted from (default: the evidence's currentPhase)
  --contract <file|dir>  take phases and criteria from the agent's launcher contract
                         (default: the standard ladder shadow < read-only < limited-write < autonomous)
  --format text|json     output format (default text)
  -h, --help             this help

Exit codes: 0 eligible; 1 not eligible (unmet criteria, skipped phase, demotion due);
2 usage error (incl. an unknown phase); 3 evidence or contract unreadable or invalid.
`,
  run(args, io) {
    const values = parseFlags('promote-check', args, FLAGS);
    if (values.help) {
      io.out(promoteCheckCommand.help);
      return ExitCode.OK;
    }
    requireFlags('promote-check', values, ['evidence', 'agent', 'to']);
    const format = oneOf('format', values.format as string | undefined, ['text', 'json'], 'text');
    const agent = values.agent as string;
    const evidenceFile = values.evidence as string;
    const evidence = withProblems(ExitCode.INPUT, () => {
      // Unreadable and unparsable files are validation problems naming the file.
      const docs = SynthOutput.readFile(evidenceFile);
      if (docs.length !== 1) {
        throw new CliError(ExitCode.INPUT, [`--evidence ${JSON.stringify(evidenceFile)}: holds ${docs.length} documents, expected one evidence object`]);
      }
      return PromotionGate.parseEvidence(docs[0], evidenceFile);
    });
    if (evidence.agent !== agent) {
      throw new CliError(ExitCode.INPUT, [`--evidence ${JSON.stringify(evidenceFile)}: agent = ${JSON.stringify(evidence.agent)} `
        + `is not --agent ${JSON.stringify(agent)}; pass the evidence of that agent`]);
    }
    let gate: PromotionGate;
    let hint: string | undefined;
    let ceilingNote: string | undefined;
    if (typeof values.contract === 'string') {
      const doc = withProblems(ExitCode.INPUT, () => LauncherContractLoader.fromPath(values.contract as string, agent));
      gate = PromotionGate.fromContract(doc);
      if (doc.phases.every(p => p.promotion === undefined)) {
        hint = `the contract of "${agent}" declares no promotion criteria; regenerate it with criteria, or omit --contract to apply the standard ladder's`;
      }
      if (doc.ceiling !== evidence.currentPhase) {
        io.err(`warning: the contract's ceiling is "${doc.ceiling}" but the evidence was collected in "${evidence.currentPhase}"`);
      }
      const names = doc.phases.map(p => p.name);
      const to = values.to as string;
      if (names.includes(to) && names.indexOf(to) > names.indexOf(doc.ceiling)) {
        // The fleet renders identities only up to the highest ceiling: promotion is a code change, never a label.
        ceilingNote = `"${to}" is above the ceiling "${doc.ceiling}" of "${agent}": to promote, raise the agent's ceiling to "${to}" in the fleet `
          + `and re-synthesize (then apply both outputs); phases above every agent's ceiling have no ServiceAccount, RBAC, NetworkPolicy or Vault role and policy until then`;
      }
    } else {
      gate = PromotionGate.fromLadder(TrustLadder.standard());
    }
    const decision = withProblems(ExitCode.USAGE, () => gate.check(values.to as string, evidence, values.from as string | undefined));
    if (format === 'json') {
      io.out(`${JSON.stringify(decision, undefined, 2)}\n`);
    } else {
      io.out(textOf(decision));
    }
    if (!decision.eligible && hint) {
      io.err(`hint: ${hint}`);
    }
    if (ceilingNote) {
      io.err(`note: ${ceilingNote}`);
    }
    return decision.eligible ? ExitCode.OK : ExitCode.REFUSED;
  },
};

function textOf(d: PromotionDecision): string {
  const lines = [`${d.agent}: ${d.fromPhase} → ${d.toPhase}: ${d.eligible ? 'ELIGIBLE' : 'NOT ELIGIBLE'}`];
  for (const u of d.unmet) {
    lines.push(`  unmet ${u.criterion}: required ${u.required}, observed ${u.observed} — ${u.message}`);
  }
  for (const due of d.demotionsDue) {
    lines.push(`  demotion due: ${due.trigger} (${due.observed}) → demote to ${due.demoteTo}`);
  }
  return `${lines.join('\n')}\n`;
}
