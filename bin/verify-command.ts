import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';
import type { Verifier as VerifierType } from '../lib/check/verifier';
import { VerifyRule } from '../lib/check/verify-rule';
import { DenyRule } from '../lib/model/rbac-denylist';
import { Command, ExitCode, oneOf, usage, withProblems } from './cli-support';
import { VerifyDefaults } from '../lib/check/private/verify-defaults';

const FLAGS = {
  'format': { type: 'string' as const },
  'margin': { type: 'string' as const },
  'token-ttl-bound': { type: 'string' as const },
  'allow-denied': { type: 'string' as const, multiple: true as const },
  'suppress': { type: 'string' as const, multiple: true as const },
  'min-egress-prefix': { type: 'string' as const },
  'cluster': { type: 'string' as const, multiple: true as const },
  'clusters': { type: 'string' as const },
  'help': { type: 'boolean' as const, short: 'h' },
};

const width = Math.max(...VerifyRule.all().map(r => r.id.length));

/** Loaded on use: `render` and the other commands never pay for the verifier. */
function verifier(): typeof VerifierType {
  return (require('../lib/check/verifier') as typeof import('../lib/check/verifier')).Verifier;
}

/** `agent-trust verify`: every broken invariant of synthesized output, with the object and the fix. */
export const verifyCommand: Command = {
  name: 'verify',
  summary: 'check synthesized Kubernetes + Terraform output (ours or hand-edited) for every broken invariant',
  // A getter: the verifier is loaded only when verify itself is asked for.
  get help(): string {
    return `Usage: agent-trust verify <k8s-dir> <terraform-dir> [--format text|json] [--margin <seconds>] [--token-ttl-bound <seconds>] [--allow-denied <rule-id>]… [--suppress <id>[@<object>]=<reason>]… [--min-egress-prefix <n>]

Read the cdk8s output (<k8s-dir>: a folder of *.yaml/*.yml/*.json such as
dist/, or one manifest file) and the cdktf output (<terraform-dir>: cdktf.out,
a stack folder or a cdk.tf.json) and report every broken invariant, one per
line: "ERROR <id> <object>: <message>. Fix: <fix>", then a summary line.
The launcher contracts in <k8s-dir> anchor the cross-checks.

Several clusters sharing one Vault (AgentFleet clusters):
  agent-trust verify --clusters <dir> <terraform-dir>
  agent-trust verify --cluster <name>=<k8s-dir> [--cluster <name>=<k8s-dir>]… <terraform-dir>
verify each cluster's output (every subdirectory of <dir> is one cluster,
named after it) against the one stack, plus the cross-cluster rules
(cluster-missing, cluster-auth-mount-shared, vault-name-shared,
target-namespace-shared).

Flags:
  --format text|json        output format (default text; json: { findings, summary })
  --margin <seconds>        slack above the Job deadline for every Vault TTL (default ${VerifyDefaults.MARGIN_SECONDS})
  --token-ttl-bound <seconds>
                            upper bound on every phase role's token_ttl, i.e. how long a crashed
                            agent's credentials may outlive its investigation (default: what each
                            contract states in vaultToken.ttlSeconds, else ${VerifyDefaults.TOKEN_TTL_BOUND_SECONDS}); only tightens
  --allow-denied <rule-id>  accept a reviewed RBAC denylist override (DenyRule id, e.g. "secrets");
                            overrides made in code leave no trace in the output. Repeatable.
                            Shorthand for --suppress rbac-denylist@<rule-id>=<reason>.
  --suppress <id>[@<object>]=<reason>
                            accept the findings of check <id> (only those about <object>, as the
                            finding names it, e.g. "Role agents/x"; for rbac-denylist also a deny
                            rule id) with a reason; they are listed as SUPPRESSED, not errors.
                            check-error cannot be suppressed. Repeatable.
  --cluster <name>=<dir>    one cluster's output; repeatable; replaces <k8s-dir>
  --clusters <dir>          every subdirectory of <dir> is one cluster's output; replaces <k8s-dir>
  --min-egress-prefix <n>   IPv4 egress blocks shorter than /<n> count as internet-wide in phases
                            below the top one (default ${VerifyDefaults.MIN_EGRESS_PREFIX})
  -h, --help                this help

Checks (finding ids):
${VerifyRule.all().map(r => `  ${r.id.padEnd(width)}  ${r.severity.value === 'WARNING' ? '(warning) ' : ''}${r.invariant}`).join('\n')}

Exit codes: 0 no errors (warnings may be listed); 1 findings of severity ERROR;
2 usage error; 3 input unreadable (missing folder, unparsable YAML/JSON).
`;
  },
  run(args, io) {
    let values: { format?: string; margin?: string; 'token-ttl-bound'?: string; 'allow-denied'?: string[]; suppress?: string[];
      'min-egress-prefix'?: string; cluster?: string[]; clusters?: string; help?: boolean };
    let positionals: string[];
    try {
      ({ values, positionals } = parseArgs({ args, options: FLAGS, strict: true, allowPositionals: true }));
    } catch (e) {
      usage((e as Error).message.split('\n')[0], 'run `agent-trust verify --help` for the flags');
    }
    if (values.help) {
      io.out(verifyCommand.help);
      return ExitCode.OK;
    }
    const clusters = clusterInputs(values.cluster, values.clusters);
    if (clusters !== undefined && positionals.length !== 1) {
      usage(`with --cluster/--clusters, expected 1 argument <terraform-dir>, got ${positionals.length}${positionals.length ? ` (${positionals.map(p => JSON.stringify(p)).join(', ')})` : ''}`,
        'e.g. `agent-trust verify --clusters dist cdktf.out`');
    }
    if (clusters === undefined && positionals.length !== 2) {
      usage(`expected 2 arguments <k8s-dir> <terraform-dir>, got ${positionals.length}${positionals.length ? ` (${positionals.map(p => JSON.stringify(p)).join(', ')})` : ''}`,
        'e.g. `agent-trust verify dist cdktf.out`');
    }
    const format = oneOf('format', values.format, ['text', 'json'], 'text');
    let marginSeconds: number | undefined;
    if (values.margin !== undefined) {
      if (!/^\d+$/.test(values.margin)) {
        usage(`--margin ${JSON.stringify(values.margin)} is not a whole number of seconds ≥ 0`, 'e.g. --margin 60');
      }
      marginSeconds = Number(values.margin);
    }
    let tokenTtlBoundSeconds: number | undefined;
    if (values['token-ttl-bound'] !== undefined) {
      if (!/^[1-9][0-9]*$/.test(values['token-ttl-bound'])) {
        usage(`--token-ttl-bound ${JSON.stringify(values['token-ttl-bound'])} is not a whole number of seconds ≥ 1`, 'e.g. --token-ttl-bound 300');
      }
      tokenTtlBoundSeconds = Number(values['token-ttl-bound']);
    }
    const allowDenied = values['allow-denied'] ?? [];
    const known = DenyRule.all().map(r => r.id);
    const unknown = allowDenied.filter(id => !known.includes(id));
    if (unknown.length > 0) {
      usage(...unknown.map(id => `--allow-denied ${JSON.stringify(id)} is not a deny rule id; use one of: ${known.join(', ')}`));
    }
    const suppressions = (values.suppress ?? []).map(text => {
      const m = /^([a-z0-9-]+)(?:@([^=]+))?=(.*)$/s.exec(text);
      const ruleIds = VerifyRule.all().map(r => r.id);
      if (!m || m[3].trim() === '') {
        return usage(`--suppress ${JSON.stringify(text)} is not <id>[@<object>]=<reason> with a reason`,
          'e.g. --suppress "admission-not-enforced@ValidatingAdmissionPolicyBinding agent-trust-binding=audit-only rollout, SEC-42"');
      }
      if (!ruleIds.includes(m[1]) || m[1] === VerifyRule.CHECK_ERROR.id) {
        return usage(`--suppress ${JSON.stringify(text)}: ${JSON.stringify(m[1])} is not a rule id that can be suppressed; see agent-trust verify --help`);
      }
      return { id: m[1], reason: m[3], ...(m[2] !== undefined ? { appliesTo: [m[2]] } : {}) };
    });
    let minEgressPrefixLength: number | undefined;
    if (values['min-egress-prefix'] !== undefined) {
      const n = values['min-egress-prefix'];
      if (!/^[0-9]{1,2}$/.test(n) || Number(n) < 1 || Number(n) > 32) {
        usage(`--min-egress-prefix ${JSON.stringify(n)} is not a prefix length from 1 to 32`, 'e.g. --min-egress-prefix 8');
      }
      minEgressPrefixLength = Number(n);
    }
    const Verifier = verifier();
    const options = { marginSeconds, tokenTtlBoundSeconds, allowDenied, suppressions, minEgressPrefixLength };
    const report = withProblems(ExitCode.INPUT, () => (clusters !== undefined
      ? Verifier.verifyClusterPaths(clusters, positionals[0], options)
      : Verifier.verifyPaths(positionals[0], positionals[1], options)));
    io.out(format === 'json' ? `${JSON.stringify(Verifier.toJson(report), null, 2)}\n` : Verifier.formatText(report));
    return report.errorCount > 0 ? ExitCode.REFUSED : ExitCode.OK;
  },
};

/** The clusters of `--cluster <name>=<dir>`… or `--clusters <dir>` (its subdirectories); undefined when neither is given. */
function clusterInputs(pairs: string[] | undefined, parent: string | undefined): Array<{ name: string; kubernetesPath: string }> | undefined {
  if (pairs !== undefined && parent !== undefined) {
    usage('give either --cluster <name>=<dir> (repeated) or --clusters <dir>, not both');
  }
  if (parent !== undefined) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(parent, { withFileTypes: true });
    } catch (e) {
      return usage(`--clusters ${JSON.stringify(parent)} is not a readable directory (${(e as Error).message.split('\n')[0]})`,
        'point it at the folder holding one output directory per cluster, e.g. dist');
    }
    const dirs = entries.filter(e => e.isDirectory()).map(e => e.name).sort();
    if (dirs.length === 0) {
      usage(`--clusters ${JSON.stringify(parent)} has no subdirectory`, 'each cluster writes its own directory, e.g. dist/eu-1');
    }
    return dirs.map(name => ({ name, kubernetesPath: path.join(parent, name) }));
  }
  return pairs?.map(text => {
    const m = /^([^=]+)=(.+)$/s.exec(text);
    if (!m) {
      return usage(`--cluster ${JSON.stringify(text)} is not <name>=<dir>`, 'e.g. --cluster eu-1=dist/eu-1');
    }
    return { name: m[1], kubernetesPath: m[2] };
  });
}
