import * as fs from 'fs';
import { LauncherContractLoader } from '../launcher/launcher-contract-loader';
import { LauncherContractValidator } from '../launcher/launcher-contract-validator';
import { ContractFile, SynthOutput } from '../launcher/synth-output';
import { LauncherContract, LauncherContractDocument } from '../model/launcher-contract';
import { DenyRule } from '../model/rbac-denylist';
import { AgentTrustErrors } from '../model/validation';
import { shapeProblems } from './private/shapes';
import { ClusterContracts, contractMounts, objectName, renderedContracts, VerifyContext } from './private/verify-context';
import { agentSummary } from './private/agent-summary';
import { deadlineOf, tokenTtlBound } from './private/vault-invariants';
import { VerifyDefaults } from './private/verify-defaults';
import { VERIFY_CHECKS } from './rules';
import { TerraformOutput } from './terraform-output';
import { VerifyRule, VerifySeverity } from './verify-rule';
import { VerifySuppressedFinding, VerifySuppression } from './verify-suppression';
import { ProblemCollector } from '../model/private/problem-collector';

/** Template invariants with a rule of their own (job-deadline, pod-automount-token): not repeated as contract-invalid. */
const OWN_RULE_FIELDS = ['jobTemplate.spec.activeDeadlineSeconds', 'jobTemplate.spec.template.spec.automountServiceAccountToken'];

/** Options of a verification. */
export interface VerifyOptions {
  /**
   * Slack allowed above the Job deadline for every Vault TTL, in seconds
   * (time for the agent to revoke its leases after the deadline).
   *
   * A fixed margin rather than one inferred from the output
   * (`token_explicit_max_ttl − token_ttl`): inferring it from the data
   * being checked would let any raised max TTL vouch for itself.
   * @default 60
   */
  readonly marginSeconds?: number;
  /**
   * The reviewer's own upper bound on every phase role's `token_ttl`, in
   * seconds: how long a crashed agent's token (and every lease under it)
   * may outlive its investigation. It applies on top of what each contract
   * states (`vaultToken.ttlSeconds`), so it can only tighten the check.
   * @default - each contract's `vaultToken.ttlSeconds`, or 300 for a contract that states none
   */
  readonly tokenTtlBoundSeconds?: number;
  /**
   * Rules accepted on purpose, each with a reason (`--suppress`). A
   * suppressed finding is listed in `VerifyReport.suppressed`, not counted
   * as an error.
   * @default - none
   */
  readonly suppressions?: VerifySuppression[];
  /**
   * Deny rule ids (`DenyRule.id`, e.g. `pod-shell`) accepted on purpose:
   * shorthand for a suppression of `rbac-denylist` that applies to them
   * (`--allow-denied`). Overrides declared in code (`allowDenied`) leave no
   * trace in the synthesized output, so the reviewer names them again here.
   * @default - none: every denylisted permission is a finding
   */
  readonly allowDenied?: string[];
  /**
   * IPv4 egress blocks with a prefix shorter than this count as
   * internet-wide (`egress-internet-wide`) in every phase below the top one.
   * @default 8
   */
  readonly minEgressPrefixLength?: number;
}

/** One cluster's Kubernetes output in a multi-cluster verification. */
export interface VerifyClusterInput {
  /** The cluster's name (as in `AgentCluster.name`); findings of its pass name it. */
  readonly name: string;
  /** Its synth output folder (e.g. `dist/eu-1`) or one manifest file. */
  readonly kubernetesPath: string;
}

/** One broken invariant. */
export interface VerifyFinding {
  /** Stable rule id (`VerifyRule.id`), e.g. `sa-vault-binding`. */
  readonly id: string;
  /** `ERROR` or `WARNING` (`VerifySeverity.value`). */
  readonly severity: string;
  /** The object at fault: `Kind namespace/name`, or a Terraform address such as `vault_policy.x`. */
  readonly object: string;
  /** What is wrong, with the offending value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix: string;
}

/** The result of a verification. */
export interface VerifyReport {
  /** Every finding, in rule order. */
  readonly findings: VerifyFinding[];
  /** Agents whose launcher contracts were checked. */
  readonly agents: string[];
  /** Number of findings of severity ERROR. */
  readonly errorCount: number;
  /** Number of findings of severity WARNING. */
  readonly warningCount: number;
  /** The Job deadline the Vault TTLs were checked against, in seconds (0 when no contract was found). */
  readonly deadlineSeconds: number;
  /** The margin used, in seconds. */
  readonly marginSeconds: number;
  /** The token_ttl bound the phase roles were checked against, in seconds (the tightest over the contracts). */
  readonly tokenTtlBoundSeconds: number;
  /** Findings accepted by a suppression, with its reason (not counted as errors or warnings). */
  readonly suppressed: VerifySuppressedFinding[];
}

/**
 * Checks synthesized output — this library's or a hand-edited copy — for
 * every broken invariant of the trust model, reading plain files only (no
 * cdk8s or cdktf): the Kubernetes manifests (`dist/`) and the Terraform
 * JSON (`cdktf.out`). The launcher contracts in the manifests are the
 * anchor: every phase they list must have its ServiceAccount, its Vault
 * role bound to exactly that account, a token audience both sides agree
 * on, TTLs within the Job deadline, an egress policy and an admission
 * policy that knows the agent's ceiling, with the guards that keep a phase
 * identity inside admitted investigations (Pod, Job creator, token
 * request, exec/attach/port-forward); each phase must grant at least
 * the phase below; nothing may break the RBAC denylist or Pod Security
 * `restricted`, and no secret may be at rest in either output.
 *
 * Every finding carries a stable id (`VerifyRule`), the object, a message
 * with the offending value and the fix. `agent-trust verify` prints them.
 */
export class Verifier {

  /**
   * Verify a Kubernetes synth output folder or manifest file and a cdktf
   * output (`cdktf.out`, a stack folder or a `cdk.tf.json`). Throws an
   * `AgentTrustValidationError` (see `AgentTrustErrors`) when either input
   * cannot be read or parsed; broken invariants are findings, not errors.
   */
  public static verifyPaths(kubernetesPath: string, terraformPath: string, options?: VerifyOptions): VerifyReport {
    const problems = new ProblemCollector();
    let manifests: any[] = [];
    let contractFiles: ContractFile[] = [];
    let terraform: TerraformOutput | undefined;
    try {
      const isFile = fs.existsSync(kubernetesPath) && fs.statSync(kubernetesPath).isFile();
      manifests = isFile ? SynthOutput.readFile(kubernetesPath) : SynthOutput.readDirectory(kubernetesPath);
      contractFiles = isFile ? [] : SynthOutput.contractFiles(kubernetesPath);
    } catch (e) {
      Verifier.collect(problems, e, kubernetesPath);
    }
    try {
      terraform = TerraformOutput.fromPath(terraformPath);
    } catch (e) {
      Verifier.collect(problems, e, terraformPath);
    }
    problems.throwIfAny(`verify ${kubernetesPath} ${terraformPath}`);
    return Verifier.run(manifests, terraform!, options, contractFiles);
  }

  /**
   * Verify several clusters' Kubernetes outputs against the one Terraform
   * stack they share: each cluster as `verifyPaths` would (its contracts
   * against that stack), plus the cross-cluster rules (`cluster-missing`,
   * `cluster-auth-mount-shared`) and those between fleets (`vault-name-shared`
   * over every cluster, `target-namespace-shared` per cluster). A finding that
   * several clusters' passes report alike (a shared policy, say) is listed
   * once; each finding's message ends with the cluster(s) it was found in.
   */
  public static verifyClusterPaths(clusters: VerifyClusterInput[], terraformPath: string, options?: VerifyOptions): VerifyReport {
    const problems = new ProblemCollector();
    const inputs: Array<{ name: string; manifests: any[]; contractFiles: ContractFile[] }> = [];
    const names = new Set<string>();
    (clusters ?? []).forEach((c, i) => {
      if (typeof c?.name !== 'string' || c.name === '' || names.has(c.name)) {
        problems.add('verify', `clusters[${i}].name`, c?.name, names.has(c?.name) ? 'is given twice' : 'is empty',
          'name every cluster once, e.g. --cluster eu-1=dist/eu-1');
      }
      names.add(c?.name);
      try {
        const isFile = fs.existsSync(c.kubernetesPath) && fs.statSync(c.kubernetesPath).isFile();
        inputs.push({
          name: c.name,
          manifests: isFile ? SynthOutput.readFile(c.kubernetesPath) : SynthOutput.readDirectory(c.kubernetesPath),
          contractFiles: isFile ? [] : SynthOutput.contractFiles(c.kubernetesPath),
        });
      } catch (e) {
        Verifier.collect(problems, e, c?.kubernetesPath);
      }
    });
    if ((clusters ?? []).length === 0) {
      problems.add('verify', 'clusters', [], 'names no cluster', 'pass each cluster\'s output directory');
    }
    let terraform: TerraformOutput | undefined;
    try {
      terraform = TerraformOutput.fromPath(terraformPath);
    } catch (e) {
      Verifier.collect(problems, e, terraformPath);
    }
    problems.throwIfAny(`verify ${(clusters ?? []).map(c => `${c?.name}=${c?.kubernetesPath}`).join(' ')} ${terraformPath}`);
    const ladders = inputs.map(x => Verifier.contractsOf(x.manifests.filter(m => m !== null && typeof m === 'object' && !Array.isArray(m) && shapeProblems(m).length === 0), () => undefined));
    // A Vault role on another verified cluster's mount is that cluster's, never a stray of this one.
    const knownMounts = contractMounts(ladders.flat());
    const contracts: ClusterContracts[] = inputs.map((x, i) => ({ name: x.name, contracts: renderedContracts(ladders[i], x.manifests, terraform, knownMounts) }));
    const reports = inputs.map(x => ({ name: x.name, report: Verifier.run(x.manifests, terraform!, options, x.contractFiles, contracts, x.name, knownMounts) }));
    // One finding per (rule, object, message), naming every cluster whose pass found it.
    const merge = <T extends { id: string; object: string; message: string }>(pick: (r: VerifyReport) => T[]): T[] => {
      const out = new Map<string, { item: T; clusters: string[] }>();
      for (const { name, report } of reports) {
        for (const item of pick(report)) {
          const key = `${item.id}|${item.object}|${item.message}`;
          const entry = out.get(key) ?? { item, clusters: [] };
          entry.clusters.push(name);
          out.set(key, entry);
        }
      }
      return [...out.values()].map(({ item, clusters: found }) =>
        ({ ...item, message: `${item.message} (cluster${found.length > 1 ? 's' : ''} ${found.join(', ')})` }));
    };
    const order = VerifyRule.all().map(r => r.id);
    const findings = merge(r => r.findings).map((f, i) => ({ f, i }))
      .sort((a, b) => order.indexOf(a.f.id) - order.indexOf(b.f.id) || a.i - b.i).map(x => x.f);
    const all = contracts.flatMap(c => c.contracts);
    return {
      findings,
      agents: [...new Set(reports.flatMap(r => r.report.agents))],
      errorCount: findings.filter(f => f.severity === VerifySeverity.ERROR.value).length,
      warningCount: findings.filter(f => f.severity === VerifySeverity.WARNING.value).length,
      deadlineSeconds: deadlineOf(all) ?? 0,
      marginSeconds: reports[0].report.marginSeconds,
      tokenTtlBoundSeconds: tokenTtlBound(all, options?.tokenTtlBoundSeconds),
      suppressed: merge(r => r.suppressed),
    };
  }

  /** Verify parsed Kubernetes objects and Terraform output. */
  public static verify(manifests: any[], terraform: TerraformOutput, options?: VerifyOptions): VerifyReport {
    return Verifier.run(manifests, terraform, options, []);
  }

  private static run(manifests: any[], terraform: TerraformOutput, options: VerifyOptions | undefined, contractFiles: ContractFile[],
    clusters?: ClusterContracts[], cluster?: string, knownMounts?: ReadonlySet<string>): VerifyReport {
    const margin = options?.marginSeconds ?? VerifyDefaults.MARGIN_SECONDS;
    const problems = new ProblemCollector();
    if (typeof margin !== 'number' || !Number.isInteger(margin) || margin < 0) {
      problems.add('Verifier', 'marginSeconds', margin, 'must be a whole number of seconds ≥ 0', 'e.g. 60');
    }
    const bound = options?.tokenTtlBoundSeconds;
    if (bound !== undefined && (typeof bound !== 'number' || !Number.isInteger(bound) || bound < 1)) {
      problems.add('Verifier', 'tokenTtlBoundSeconds', bound, 'must be a whole number of seconds ≥ 1', 'e.g. 300');
    }
    const minPrefix = options?.minEgressPrefixLength;
    if (minPrefix !== undefined && (!Number.isInteger(minPrefix) || minPrefix < 1 || minPrefix > 32)) {
      problems.add('Verifier', 'minEgressPrefixLength', minPrefix, 'must be a whole number from 1 to 32', 'e.g. 8');
    }
    const suppressions = Verifier.suppressionsOf(options, problems);
    problems.throwIfAny('Verifier');
    const findings: VerifyFinding[] = [];
    const suppressed: VerifySuppressedFinding[] = [];
    const seen = new Set<string>();
    const report = (rule: VerifyRule, object: string, message: string, fix: string): void => {
      const key = `${rule.id}|${object}|${message}`;
      if (seen.has(key)) {
        return;
      }
      seen.add(key);
      const accepted = suppressions.find(x => x.id === rule.id && (x.appliesTo === undefined || x.appliesTo.includes(object)));
      if (accepted) {
        suppressed.push({ id: rule.id, object, message, reason: accepted.reason });
      } else {
        findings.push({ id: rule.id, severity: rule.severity.value, object, message, fix });
      }
    };
    const objects: any[] = [];
    const scalars = (manifests ?? []).filter(x => x === null || typeof x !== 'object' || Array.isArray(x));
    if (scalars.length > 0) {
      report(VerifyRule.INPUT_MALFORMED, '(Kubernetes output)',
        `${scalars.length} document(s) are not objects (${scalars.slice(0, 3).map(x => ProblemCollector.show(x).slice(0, 40)).join(', ')})`,
        'every YAML/JSON document of the Kubernetes output must be a Kubernetes object; remove or fix the others');
    }
    for (const m of (manifests ?? []).filter(x => x !== null && typeof x === 'object' && !Array.isArray(x))) {
      const wrong = shapeProblems(m);
      if (wrong.length > 0) {
        report(VerifyRule.INPUT_MALFORMED, objectName(m), wrong.join('; '),
          'fix the hand-edited object (the API server would reject it); it was left out of every other check');
      } else {
        objects.push(m);
      }
    }
    const contracts = Verifier.contractsOf(objects, report);
    Verifier.checkContractFiles(contractFiles, contracts, report);
    const denyIds = DenyRule.all().map(r => r.id);
    const ctx: VerifyContext = {
      manifests: objects, terraform, contracts: renderedContracts(contracts, objects, terraform, knownMounts), ladderContracts: contracts, marginSeconds: margin, tokenTtlBoundSeconds: bound,
      allowDenied: suppressions.filter(x => x.id === VerifyRule.RBAC_DENYLIST.id).flatMap(x => (x.appliesTo ?? []).filter(a => denyIds.includes(a))),
      minEgressPrefixLength: minPrefix,
      report,
      clusters,
      cluster,
    };
    for (const c of VERIFY_CHECKS.filter(x => contracts.length > 0 || !x.needsContracts)) {
      try {
        c.check(ctx);
      } catch (e) {
        // A check that throws is a bug (or output of a shape no check expects): a finding naming the check, never a crash.
        report(VerifyRule.CHECK_ERROR, '(verifier)',
          `the ${c.name} check failed (${String((e as Error)?.message ?? e).split('\n')[0]}), so ${c.rules.map(r => r.id).join(', ')} were not fully checked`,
          'report this to the agent-trust maintainers with the output; if the output is hand-edited, a field may have a type the API server (or Terraform) would reject');
      }
    }

    const order = VerifyRule.all().map(r => r.id);
    const sorted = findings.map((f, i) => ({ f, i }))
      .sort((a, b) => order.indexOf(a.f.id) - order.indexOf(b.f.id) || a.i - b.i).map(x => x.f);
    return {
      findings: sorted,
      agents: contracts.map(c => c.agent),
      errorCount: sorted.filter(f => f.severity === VerifySeverity.ERROR.value).length,
      warningCount: sorted.filter(f => f.severity === VerifySeverity.WARNING.value).length,
      deadlineSeconds: deadlineOf(contracts) ?? 0,
      marginSeconds: margin,
      tokenTtlBoundSeconds: tokenTtlBound(contracts, bound),
      suppressed,
    };
  }

  /** The suppressions of the options (`allowDenied` included), validated: known rule, a reason, deny rule ids where they are meant. */
  private static suppressionsOf(options: VerifyOptions | undefined, problems: ProblemCollector): VerifySuppression[] {
    const ruleIds = VerifyRule.all().map(r => r.id);
    const denyIds = DenyRule.all().map(r => r.id);
    (options?.allowDenied ?? []).forEach((id, i) => {
      if (!denyIds.includes(id)) {
        problems.add('Verifier', `allowDenied[${i}]`, id, 'is not a deny rule id', `use one of ${denyIds.join(', ')}`);
      }
    });
    const given = options?.suppressions ?? [];
    given.forEach((x, i) => {
      if (!ruleIds.includes(x?.id)) {
        problems.add('Verifier', `suppressions[${i}].id`, x?.id, 'is not a verify rule id', `use one of ${ruleIds.join(', ')}`);
      } else if (x.id === VerifyRule.CHECK_ERROR.id) {
        problems.add('Verifier', `suppressions[${i}].id`, x.id, 'cannot be suppressed: a check that fails checked nothing',
          'fix the output or report the bug');
      }
      if (typeof x?.reason !== 'string' || x.reason.trim() === '') {
        problems.add('Verifier', `suppressions[${i}].reason`, x?.reason, 'is empty: accepting a finding needs a reason',
          'say why, e.g. "approved in SEC-123"');
      }
    });
    const allowDenied = options?.allowDenied ?? [];
    return [
      ...given,
      ...(allowDenied.length > 0
        ? [{ id: VerifyRule.RBAC_DENYLIST.id, appliesTo: [...allowDenied], reason: 'reviewed RBAC denylist override (allowDenied)' }]
        : []),
    ];
  }

  /** One line per finding (`ERROR id object: message. Fix: …`) and a summary line. */
  public static formatText(report: VerifyReport): string {
    const lines = report.findings.map(f => `${f.severity} ${f.id} ${f.object}: ${f.message}. Fix: ${f.fix}`);
    lines.push(...(report.suppressed ?? []).map(f => `SUPPRESSED ${f.id} ${f.object}: ${f.message}. Reason: ${f.reason}`));
    const agents = agentSummary(report.agents);
    const lifted = (report.suppressed ?? []).length > 0 ? `; ${report.suppressed.length} suppressed` : '';
    lines.push(report.findings.length === 0
      ? `verified: no findings (${agents}; Vault TTLs ≤ ${report.deadlineSeconds}s deadline + ${report.marginSeconds}s margin; token_ttl ≤ ${report.tokenTtlBoundSeconds}s${lifted})`
      : `${report.findings.length} finding(s): ${report.errorCount} error(s), ${report.warningCount} warning(s) (${agents}${lifted})`);
    return lines.join('\n') + '\n';
  }

  /** The report as a JSON document for pipelines (`{ findings, summary }`). */
  public static toJson(report: VerifyReport): any {
    return {
      findings: report.findings.map(f => ({ id: f.id, severity: f.severity, object: f.object, message: f.message, fix: f.fix })),
      summary: {
        clean: report.errorCount === 0,
        errors: report.errorCount,
        warnings: report.warningCount,
        agents: [...report.agents],
        deadlineSeconds: report.deadlineSeconds,
        marginSeconds: report.marginSeconds,
        tokenTtlBoundSeconds: report.tokenTtlBoundSeconds,
      },
      // Only when something was suppressed, so a clean report keeps its shape.
      ...((report.suppressed ?? []).length > 0 ? { suppressed: report.suppressed.map(f => ({ ...f })) } : {}),
    };
  }

  /** Contracts of the manifests, one per agent (a ConfigMap and a contract file of the same agent count once). */
  private static contractsOf(objects: any[], report: (rule: VerifyRule, object: string, message: string, fix: string) => void)
    : LauncherContractDocument[] {
    const out: LauncherContractDocument[] = [];
    const candidates = objects.filter(o => o.kind === 'LauncherContract' || o.kind === 'ConfigMap');
    for (const obj of candidates) {
      let docs: LauncherContractDocument[] = [];
      try {
        // Structure only: each broken template invariant is reported below or under its own rule (job-deadline, …).
        docs = LauncherContractLoader.fromManifests([obj], 'manifests', { checkInvariants: false });
      } catch (e) {
        for (const p of AgentTrustErrors.problemsOf(e)) {
          report(VerifyRule.CONTRACT_INVALID, p.path.replace(/^manifests: /, ''), `${p.field} = ${p.value}: ${p.message}`, p.hint);
        }
        if (!AgentTrustErrors.isValidationError(e)) {
          report(VerifyRule.INPUT_MALFORMED, `${obj.kind} ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`,
            `cannot be read as a launcher contract (${String((e as Error)?.message ?? e).split('\n')[0]})`, 'regenerate the contract');
        }
      }
      for (const d of docs) {
        const invariants = new ProblemCollector();
        LauncherContractValidator._checkInvariants(invariants, d, `${obj.kind} ${obj.metadata?.namespace ?? d.namespace}/${obj.metadata?.name ?? d.agent}`);
        for (const p of invariants.problems.filter(x => !OWN_RULE_FIELDS.some(f => x.field.endsWith(f)))) {
          report(VerifyRule.CONTRACT_INVALID, p.path, `${p.field} = ${p.value}: ${p.message}`, p.hint);
        }
        const same = out.find(c => c.agent === d.agent && c.namespace === d.namespace);
        if (!same) {
          out.push(d);
        } else if (JSON.stringify(same) !== JSON.stringify(d)) {
          report(VerifyRule.CONTRACT_INVALID, `LauncherContract ${d.agent}`,
            'two different contracts of the same agent are in the output (the ConfigMap and a contract file disagree)',
            'regenerate both from the same synth');
        }
      }
    }
    if (out.length === 0 && !objects.some(o => o.kind === 'ConfigMap' && o.metadata?.labels?.[LauncherContract.CONFIGMAP_LABEL] === 'true')) {
      report(VerifyRule.CONTRACT_MISSING, '(Kubernetes output)',
        'no launcher contract (a ConfigMap labelled agent-trust.io/launcher-contract=true, or a LauncherContract document) was found, so names, TTLs and phases cannot be cross-checked',
        'pass the cdk8s output folder of a chart with AgentJobTemplate (dist/ after `npm run synth`)');
    }
    return out;
  }

  /**
   * Contract files (`contracts/*.json` beside the manifests) against the
   * contracts of the ConfigMaps: a launcher reading the file must get
   * exactly what admission and this verifier were checked against.
   */
  private static checkContractFiles(files: ContractFile[], contracts: LauncherContractDocument[],
    report: (rule: VerifyRule, object: string, message: string, fix: string) => void): void {
    if (files.length === 0) {
      return;
    }
    const regenerate = 'regenerate both with the same synth (app.synth() then LauncherContractFiles.write(app)); never edit a contract file by hand';
    const matched = new Set<LauncherContractDocument>();
    for (const f of files) {
      if (f.error !== undefined) {
        report(VerifyRule.CONTRACT_INVALID, f.file, f.error, regenerate);
        continue;
      }
      const agent = f.content?.agent;
      const namespace = f.content?.namespace;
      const twin = contracts.find(c => c.agent === agent && c.namespace === namespace);
      if (twin) {
        matched.add(twin);
      }
      // Structure only: a file that reads as a contract but breaks an invariant differs from its ConfigMap (reported below).
      const structure = new ProblemCollector();
      LauncherContractValidator._checkStructure(structure, f.content, f.file);
      for (const p of structure.problems) {
        report(VerifyRule.CONTRACT_INVALID, f.file, `${p.field} = ${p.value}: ${p.message}`, p.hint);
      }
      if (!structure.isEmpty) {
        continue;
      }
      if (!twin) {
        report(VerifyRule.CONTRACT_FILE_UNMATCHED, f.file,
          `holds the contract of agent ${ProblemCollector.show(agent)} in namespace ${ProblemCollector.show(namespace)}, but no contract ConfigMap of that agent is in the output`,
          regenerate);
        continue;
      }
      // Equal is the common case: compared without building paths; the diff only explains a difference.
      const diffs = jsonEqual(twin, f.content) ? [] : jsonDiff(twin, f.content, '');
      if (diffs.length > 0) {
        const shown = diffs.slice(0, 5).map(d => `${d.path || '(document)'}: file ${d.file}, ConfigMap ${d.configMap}`).join('; ');
        report(VerifyRule.CONTRACT_FILE_MISMATCH, f.file,
          `differs from the contract in ConfigMap ${namespace}/${LauncherContract.configMapName(agent)} in ${diffs.length} field(s): ${shown}${diffs.length > 5 ? '; …' : ''}`,
          regenerate);
      }
    }
    for (const c of contracts.filter(x => !matched.has(x))) {
      report(VerifyRule.CONTRACT_FILE_UNMATCHED, `ConfigMap ${c.namespace}/${LauncherContract.configMapName(c.agent)}`,
        `the output has contract files (${files.map(f => f.file).join(', ')}) but none for agent "${c.agent}" in namespace "${c.namespace}"`,
        regenerate);
    }
  }

  private static collect(problems: ProblemCollector, e: unknown, where: string): void {
    const found = AgentTrustErrors.problemsOf(e);
    if (found.length > 0) {
      problems.addAll(found);
    } else {
      problems.add(where, 'input', where, `cannot be read: ${String((e as Error)?.message ?? e).split('\n')[0]}`, 'pass the synth output');
    }
  }

  private constructor() {}
}

/** Whether two JSON values are equal, key order ignored (as `jsonDiff` finds no difference). */
function jsonEqual(a: any, b: any): boolean {
  if (a === b) {
    return true;
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) {
    // Scalars (and a scalar against an object) compare as jsonDiff does: by their JSON text.
    return (a === null || typeof a !== 'object') && (b === null || typeof b !== 'object') && JSON.stringify(a) === JSON.stringify(b);
  }
  if (Array.isArray(a)) {
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const keys = Object.keys(a).filter(k => a[k] !== undefined);
  const other = Object.keys(b).filter(k => b[k] !== undefined);
  return keys.length === other.length && keys.every(k => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
}

/** Paths (`a.b[0]`) where two JSON values differ, key order ignored; values shown as compact JSON (cut at 60 characters). */
function jsonDiff(configMap: any, file: any, at: string): Array<{ path: string; file: string; configMap: string }> {
  const short = (v: unknown): string => {
    const text = v === undefined ? '(unset)' : JSON.stringify(v);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  const bothObjects = configMap !== null && file !== null && typeof configMap === 'object' && typeof file === 'object'
    && Array.isArray(configMap) === Array.isArray(file);
  if (!bothObjects) {
    return JSON.stringify(configMap) === JSON.stringify(file) ? [] : [{ path: at, file: short(file), configMap: short(configMap) }];
  }
  const out: Array<{ path: string; file: string; configMap: string }> = [];
  if (Array.isArray(configMap)) {
    for (let i = 0; i < Math.max(configMap.length, file.length); i++) {
      out.push(...jsonDiff(configMap[i], file[i], `${at}[${i}]`));
    }
    return out;
  }
  for (const key of [...new Set([...Object.keys(configMap), ...Object.keys(file)])].sort()) {
    out.push(...jsonDiff(configMap[key], file[key], at ? `${at}.${key}` : key));
  }
  return out;
}
