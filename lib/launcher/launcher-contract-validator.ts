import { LauncherContract } from '../model/launcher-contract';
import { TrustNames } from '../model/trust-names';
import { ValidationProblem } from '../model/validation';
import { checkHostnameFields } from './private/hostname-fields';
import { ProblemCollector } from '../model/private/problem-collector';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const CRITERIA_COUNTS = ['minInvestigations', 'minDays', 'requiredApprovals', 'maxPolicyViolations'];
const CRITERIA_KEYS = [...CRITERIA_COUNTS, 'minSuccessRate'];

/**
 * Structural and semantic checks of a launcher contract document, beyond
 * what its JSON Schema can say (ceiling among the phases, unique phases,
 * ServiceAccount names derived from phase names, the agent container
 * present in the template, no investigation-specific value pre-filled).
 * Every problem is collected, so a broken contract is fixed in one pass.
 */
export class LauncherContractValidator {
  /** Every problem of `obj` as a launcher contract; empty when it is valid. `source` names it in messages. */
  public static problems(obj: any, source?: string): ValidationProblem[] {
    const problems = new ProblemCollector();
    LauncherContractValidator._check(problems, obj, source ?? 'LauncherContract');
    return problems.problems;
  }

  /**
   * Record every problem of `obj` as a launcher contract under `path`: its structure, then its template invariants.
   * @internal
   */
  public static _check(problems: ProblemCollector, obj: any, path: string): void {
    const before = problems.problems.length;
    LauncherContractValidator._checkStructure(problems, obj, path);
    if (problems.problems.length === before) {
      LauncherContractValidator._checkInvariants(problems, obj, path);
    }
  }

  /**
   * Record the problems that keep `obj` from being read as a launcher
   * contract (fields, types, names), without `checkInvariants`.
   * @internal
   */
  public static _checkStructure(problems: ProblemCollector, obj: any, path: string): void {
    if (!isObject(obj)) {
      problems.add(path, '(document)', typeof obj === 'object' ? obj : typeof obj, 'must be a JSON object',
        `load a ${LauncherContract.KIND} document (data key "${LauncherContract.CONFIGMAP_KEY}" of the agent's ConfigMap)`);
      return;
    }
    if (obj.apiVersion !== LauncherContract.API_VERSION) {
      problems.add(path, 'apiVersion', obj.apiVersion,
        `is not supported: this library reads "${LauncherContract.API_VERSION}" only`,
        `synthesize the contract with a cdk-agent-trust release that writes "${LauncherContract.API_VERSION}", or use a launcher that reads ${ProblemCollector.show(obj.apiVersion)}`);
    }
    if (obj.kind !== LauncherContract.KIND) {
      problems.add(path, 'kind', obj.kind, `must be "${LauncherContract.KIND}"`, 'load the contract document, not another object');
    }
    TrustNames._checkDnsLabel(problems, path, 'agent', obj.agent);
    TrustNames._checkDnsLabel(problems, path, 'namespace', obj.namespace);
    if (typeof obj.jobDeadlineSeconds !== 'number' || !Number.isInteger(obj.jobDeadlineSeconds) || obj.jobDeadlineSeconds <= 0) {
      problems.add(path, 'jobDeadlineSeconds', obj.jobDeadlineSeconds, 'must be a whole number of seconds > 0', 'e.g. 900');
    }
    if (typeof obj.containerName !== 'string' || obj.containerName === '') {
      problems.add(path, 'containerName', obj.containerName, 'must be a non-empty string', 'name the agent container of the template');
    }
    const envNames = LauncherContractValidator.checkEnv(problems, path, obj.env);
    const phaseNames = LauncherContractValidator.checkPhases(problems, path, obj.phases);
    if (typeof obj.ceiling !== 'string' || !phaseNames.includes(obj.ceiling)) {
      problems.add(path, 'ceiling', obj.ceiling, 'is not one of the phases',
        `use one of: ${phaseNames.join(', ') || '(no valid phase listed)'}`);
    }
    LauncherContractValidator.checkLists(problems, path, obj);
    checkHostnameFields(problems, path, obj);
    LauncherContractValidator.checkTemplate(problems, path, obj, envNames);
    if (obj.vaultToken !== undefined) {
      LauncherContractValidator.checkVaultToken(problems, path, obj);
    }
  }

  /**
   * The optional `vaultToken` block: whole seconds, renewal before expiry,
   * TTL within the explicit max, and the agent container's env saying the
   * same (the agent reads the env, a launcher or reviewer reads the block).
   */
  private static checkVaultToken(problems: ProblemCollector, path: string, doc: any): void {
    const t = doc.vaultToken;
    if (!isObject(t)) {
      problems.add(path, 'vaultToken', t, 'must be an object', 'regenerate the contract with AgentJobTemplate');
      return;
    }
    const seconds = (key: string): number | undefined => {
      const v = t[key];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
        problems.add(path, `vaultToken.${key}`, v, 'must be a whole number of seconds ≥ 1', 'regenerate the contract from the fleet');
        return undefined;
      }
      return v;
    };
    const ttl = seconds('ttlSeconds');
    const max = seconds('explicitMaxTtlSeconds');
    const renew = seconds('renewIntervalSeconds');
    if (ttl !== undefined && max !== undefined && ttl > max) {
      problems.add(path, 'vaultToken.ttlSeconds', ttl, `is longer than explicitMaxTtlSeconds (${max})`, 'regenerate the contract from the fleet');
    }
    if (renew !== undefined && ttl !== undefined && renew >= ttl) {
      problems.add(path, 'vaultToken.renewIntervalSeconds', renew,
        `is not shorter than ttlSeconds (${ttl}): the token would expire before the agent renews it`,
        'renew every half TTL (AgentFleet tokenRenewIntervalSeconds)');
    }
    if (typeof t.revokeOnExit !== 'boolean') {
      problems.add(path, 'vaultToken.revokeOnExit', t.revokeOnExit, 'must be true or false', 'regenerate the contract');
    }
    const env = doc.jobTemplate?.spec?.template?.spec?.containers?.find((c: any) => isObject(c) && c.name === doc.containerName)?.env;
    const expected: Array<[string, string | undefined]> = [
      ['renewIntervalEnv', renew !== undefined ? String(renew) : undefined],
      ['revokeOnExitEnv', typeof t.revokeOnExit === 'boolean' ? String(t.revokeOnExit) : undefined],
    ];
    for (const [key, value] of expected) {
      const name = t[key];
      if (typeof name !== 'string' || !ENV_NAME.test(name)) {
        problems.add(path, `vaultToken.${key}`, name, 'must be an environment variable name', `e.g. "${key === 'renewIntervalEnv' ? LauncherContract.RENEW_INTERVAL_ENV : LauncherContract.REVOKE_ON_EXIT_ENV}"`);
        continue;
      }
      const entry = Array.isArray(env) ? env.find((e: any) => isObject(e) && e.name === name) : undefined;
      if (value !== undefined && entry?.value !== value) {
        problems.add(path, `jobTemplate agent container env ${name}`, entry?.value,
          `disagrees with vaultToken (${ProblemCollector.show(value)}): the agent reads the env, the launcher and reviewers read vaultToken`,
          `set ${name}=${ProblemCollector.show(value)} in the template, or regenerate the contract`);
      }
    }
  }

  /** The optional lists a launcher and the verifier rely on. */
  private static checkLists(problems: ProblemCollector, path: string, obj: any): void {
    if (obj.targetNamespaces !== undefined) {
      if (!isStringArray(obj.targetNamespaces)) {
        problems.add(path, 'targetNamespaces', obj.targetNamespaces, 'must be a list of namespace names', 'regenerate the contract from the fleet');
      } else {
        obj.targetNamespaces.forEach((ns: string, i: number) => TrustNames._checkDnsLabel(problems, path, `targetNamespaces[${i}]`, ns));
      }
    }
    if (obj.allowedRegistries !== undefined
      && (!isStringArray(obj.allowedRegistries) || obj.allowedRegistries.length === 0 || obj.allowedRegistries.includes(''))) {
      problems.add(path, 'allowedRegistries', obj.allowedRegistries, 'must be a non-empty list of registry prefixes',
        'regenerate the contract from the fleet (AgentFleet allowedRegistries)');
    }
  }

  /**
   * Record what admission enforces on every Job, checked on the template of
   * a structurally valid contract (`checkStructure`): `backoffLimit` 0, one
   * pod, a deadline within `jobDeadlineSeconds`, `restartPolicy: Never`, no
   * API token automount, and every image from `allowedRegistries` when the
   * contract lists them. A hand-edited contract file (a retried Job, a
   * longer deadline, an image from another registry) is refused before
   * anything is rendered. A contract cannot vouch for itself against a
   * consistent edit of the template and its own lists: `agent-trust verify`
   * compares contract files with their ConfigMaps, and admission checks
   * every Job.
   * @internal
   */
  public static _checkInvariants(problems: ProblemCollector, doc: any, path: string): void {
    const t = doc?.jobTemplate;
    const pod = t?.spec?.template?.spec;
    if (!isObject(t) || !isObject(t.spec) || !isObject(pod)) {
      return;
    }
    const spec = t.spec;
    if (spec.backoffLimit !== 0) {
      problems.add(path, 'jobTemplate.spec.backoffLimit', spec.backoffLimit,
        'must be 0: an investigation is never retried with the same credentials (admission refuses any other value)', 'regenerate the contract');
    }
    for (const key of ['completions', 'parallelism']) {
      if (spec[key] !== undefined && spec[key] !== 1) {
        problems.add(path, `jobTemplate.spec.${key}`, spec[key], 'must be 1 or absent: one investigation, one pod', 'regenerate the contract');
      }
    }
    const deadline = spec.activeDeadlineSeconds;
    if (typeof deadline !== 'number' || !Number.isInteger(deadline) || deadline < 1
      || (typeof doc.jobDeadlineSeconds === 'number' && deadline > doc.jobDeadlineSeconds)) {
      problems.add(path, 'jobTemplate.spec.activeDeadlineSeconds', deadline,
        `must be a whole number of seconds between 1 and jobDeadlineSeconds (${ProblemCollector.show(doc.jobDeadlineSeconds)})`, 'regenerate the contract');
    }
    if (pod.restartPolicy !== 'Never') {
      problems.add(path, 'jobTemplate.spec.template.spec.restartPolicy', pod.restartPolicy, 'must be "Never"', 'regenerate the contract');
    }
    if (pod.automountServiceAccountToken === true) {
      problems.add(path, 'jobTemplate.spec.template.spec.automountServiceAccountToken', true,
        'must not be true: the agent logs in to Vault with a projected, audience-bound token', 'regenerate the contract');
    }
    const registries: string[] | undefined = isStringArray(doc.allowedRegistries) && doc.allowedRegistries.length > 0
      ? doc.allowedRegistries : undefined;
    for (const key of ['initContainers', 'containers']) {
      const list = pod[key];
      if (list === undefined && key === 'initContainers') {
        continue;
      }
      if (!Array.isArray(list)) {
        problems.add(path, `jobTemplate.spec.template.spec.${key}`, list, 'must be a list', 'regenerate the contract');
        continue;
      }
      list.forEach((c: any, i: number) => {
        const f = `jobTemplate.spec.template.spec.${key}[${i}].image`;
        if (!isObject(c) || typeof c.image !== 'string' || c.image === '') {
          problems.add(path, f, isObject(c) ? c.image : c, 'must be an image reference', 'regenerate the contract');
        } else if (registries && !registries.some(r => c.image.startsWith(r))) {
          problems.add(path, f, c.image, `is not from an allowed registry (${registries.join(', ')})`,
            'regenerate the contract; images come from the fleet\'s agents and allowedRegistries');
        }
      });
    }
  }

  private static checkEnv(problems: ProblemCollector, path: string, env: any): string[] {
    if (!isObject(env)) {
      problems.add(path, 'env', env, 'must be an object naming the variables the renderer sets',
        'use LauncherContract.defaultEnvNames()');
      return [];
    }
    const names: string[] = [];
    for (const key of ['investigationId', 'trustPhase', 'vaultRole', 'otelResourceAttributes']) {
      const value = env[key];
      if (typeof value !== 'string' || !ENV_NAME.test(value)) {
        problems.add(path, `env.${key}`, value, 'must be an environment variable name', 'e.g. "INVESTIGATION_ID"');
      } else if (names.includes(value)) {
        problems.add(path, `env.${key}`, value, 'is used for two values', 'give every variable its own name');
      } else if (value === LauncherContract.HTTPS_PROXY_ENV || value === LauncherContract.NO_PROXY_ENV) {
        // The renderer sets these from the phase's egressProxy (issue #17); one name cannot carry two values.
        problems.add(path, `env.${key}`, value, 'is the proxy variable the renderer sets from the phase\'s egressProxy',
          'give the variable another name (LauncherContract.defaultEnvNames())');
      } else {
        names.push(value);
      }
    }
    return names;
  }

  private static checkPhases(problems: ProblemCollector, path: string, phases: any): string[] {
    if (!Array.isArray(phases) || phases.length === 0) {
      problems.add(path, 'phases', phases, 'must list at least one phase', 'list every phase of the ladder, lowest first');
      return [];
    }
    const names: string[] = [];
    phases.forEach((row: any, i: number) => {
      const f = `phases[${i}]`;
      if (!isObject(row)) {
        problems.add(path, f, row, 'must be an object', 'write { name, serviceAccount, vaultRole, vaultAuthMount, egress, vaultPaths }');
        return;
      }
      const nameOk = TrustNames._checkDnsLabel(problems, path, `${f}.name`, row.name, TrustNames.MAX_PHASE_NAME);
      if (nameOk) {
        if (names.includes(row.name)) {
          problems.add(path, `${f}.name`, row.name, 'is listed twice', 'list every phase once');
        } else {
          names.push(row.name);
        }
        if (row.serviceAccount !== TrustNames.serviceAccount(row.name)) {
          problems.add(path, `${f}.serviceAccount`, row.serviceAccount, `must be "${TrustNames.serviceAccount(row.name)}"`,
            'the ServiceAccount of a phase is derived from its name (TrustNames.serviceAccount); admission checks the same');
        }
      }
      for (const key of ['vaultRole', 'vaultAuthMount']) {
        if (typeof row[key] !== 'string' || row[key] === '') {
          problems.add(path, `${f}.${key}`, row[key], 'must be a non-empty string', 'regenerate the contract from the fleet');
        }
      }
      if (row.vaultJwtAuthMount !== undefined && (typeof row.vaultJwtAuthMount !== 'string' || row.vaultJwtAuthMount === '')) {
        problems.add(path, `${f}.vaultJwtAuthMount`, row.vaultJwtAuthMount, 'must be a non-empty string when present',
          'regenerate the contract from the fleet (vault.investigationIdentityMountPath)');
      }
      for (const key of ['egress', 'vaultPaths']) {
        if (!isStringArray(row[key])) {
          problems.add(path, `${f}.${key}`, row[key], 'must be a list of strings', 'use [] when the phase has none');
        }
      }
      if (row.podAnnotations !== undefined && (!isObject(row.podAnnotations)
        || Object.values(row.podAnnotations).some(v => typeof v !== 'string'))) {
        problems.add(path, `${f}.podAnnotations`, row.podAnnotations, 'must map annotation names to strings', 'e.g. { "vault.hashicorp.com/role": "agent-phase-shadow" }');
      }
      if (row.demotionTriggers !== undefined && !isStringArray(row.demotionTriggers)) {
        problems.add(path, `${f}.demotionTriggers`, row.demotionTriggers, 'must be a list of trigger ids', 'e.g. ["policy-violation", "security-incident"]');
      }
      if (row.promotion !== undefined) {
        LauncherContractValidator.checkCriteria(problems, path, `${f}.promotion`, row.promotion);
      }
    });
    return names;
  }

  private static checkCriteria(problems: ProblemCollector, path: string, f: string, c: any): void {
    if (!isObject(c)) {
      problems.add(path, f, c, 'must be an object', 'write { minInvestigations, minSuccessRate, minDays, requiredApprovals }');
      return;
    }
    for (const key of CRITERIA_COUNTS) {
      const v = c[key];
      if ((v !== undefined || key !== 'maxPolicyViolations') && (typeof v !== 'number' || !Number.isInteger(v) || v < 0)) {
        problems.add(path, `${f}.${key}`, v, 'must be a whole number ≥ 0', 'e.g. 25');
      }
    }
    for (const key of Object.keys(c).filter(k => !CRITERIA_KEYS.includes(k))) {
      // An older gate would silently skip a criterion it does not know, and so be weaker than declared.
      problems.add(path, `${f}.${key}`, c[key], 'is not a promotion criterion this version understands',
        `use only ${CRITERIA_KEYS.join(', ')}, or upgrade cdk-agent-trust`);
    }
    if (typeof c.minSuccessRate !== 'number' || !(c.minSuccessRate >= 0 && c.minSuccessRate <= 1)) {
      problems.add(path, `${f}.minSuccessRate`, c.minSuccessRate, 'must be a share between 0 and 1', 'write 90 % as 0.9');
    }
  }

  private static checkTemplate(problems: ProblemCollector, path: string, doc: any, envNames: string[]): void {
    const t = doc.jobTemplate;
    if (!isObject(t)) {
      problems.add(path, 'jobTemplate', t, 'must be a Job manifest object', 'regenerate the contract with AgentJobTemplate');
      return;
    }
    if (t.apiVersion !== 'batch/v1' || t.kind !== 'Job') {
      problems.add(path, 'jobTemplate.apiVersion/kind', `${t.apiVersion}/${t.kind}`, 'must be batch/v1 Job', 'the template is a Job manifest');
    }
    const meta = t.metadata;
    if (meta !== undefined && !isObject(meta)) {
      problems.add(path, 'jobTemplate.metadata', meta, 'must be an object', 'regenerate the contract');
    }
    for (const key of ['name', 'generateName']) {
      if (isObject(meta) && meta[key] !== undefined) {
        problems.add(path, `jobTemplate.metadata.${key}`, meta[key], 'must be absent: the renderer names the Job investigation-<id>',
          `remove metadata.${key} from the template`);
      }
    }
    if (isObject(meta) && meta.namespace !== undefined && meta.namespace !== doc.namespace) {
      problems.add(path, 'jobTemplate.metadata.namespace', meta.namespace, `disagrees with the contract namespace ${ProblemCollector.show(doc.namespace)}`,
        'remove it or make both equal');
    }
    const podTemplate = t.spec?.template;
    const pod = podTemplate?.spec;
    LauncherContractValidator.checkLabels(problems, path, 'jobTemplate.metadata.labels', meta?.labels, doc.agent);
    LauncherContractValidator.checkLabels(problems, path, 'jobTemplate.spec.template.metadata.labels', podTemplate?.metadata?.labels, doc.agent);
    if (!isObject(pod)) {
      problems.add(path, 'jobTemplate.spec.template.spec', pod, 'must be a pod spec object', 'regenerate the contract with AgentJobTemplate');
      return;
    }
    for (const key of ['serviceAccountName', 'serviceAccount']) {
      if (pod[key] !== undefined) {
        problems.add(path, `jobTemplate.spec.template.spec.${key}`, pod[key],
          'must be absent: the renderer sets the ServiceAccount of the requested phase', `remove ${key} from the template`);
      }
    }
    if (!Array.isArray(pod.containers) || pod.containers.length === 0) {
      problems.add(path, 'jobTemplate.spec.template.spec.containers', pod.containers, 'must list the agent container', 'regenerate the contract');
      return;
    }
    const index = pod.containers.findIndex((c: any) => isObject(c) && c.name === doc.containerName);
    if (index < 0) {
      problems.add(path, 'containerName', doc.containerName, 'names no container of jobTemplate',
        `use one of: ${pod.containers.map((c: any) => ProblemCollector.show(c?.name)).join(', ')}`);
      return;
    }
    const env = pod.containers[index].env;
    if (env !== undefined && !Array.isArray(env)) {
      problems.add(path, `jobTemplate.spec.template.spec.containers[${index}].env`, env, 'must be a list', 'regenerate the contract');
      return;
    }
    // OTEL_RESOURCE_ATTRIBUTES may carry static attributes the renderer merges; the others must be left to the renderer.
    const owned = envNames.filter(n => n !== doc.env?.otelResourceAttributes);
    (env ?? []).forEach((e: any, j: number) => {
      const f = `jobTemplate.spec.template.spec.containers[${index}].env[${j}]`;
      if (!isObject(e) || typeof e.name !== 'string') {
        problems.add(path, f, e, 'must be an object with a name', 'regenerate the contract');
      } else if (owned.includes(e.name)) {
        problems.add(path, `${f}.name`, e.name, 'is set by the renderer and must be absent from the template', `remove ${e.name} from the template`);
      } else if (e.name === doc.env?.otelResourceAttributes && typeof e.value !== 'string') {
        problems.add(path, `${f}.value`, e.value, `must be a literal string (the renderer merges ${e.name})`, 'use value, not valueFrom');
      }
    });
  }

  private static checkLabels(problems: ProblemCollector, path: string, field: string, labels: any, agent: any): void {
    if (labels === undefined) {
      return;
    }
    if (!isObject(labels)) {
      problems.add(path, field, labels, 'must map label names to strings', 'regenerate the contract');
      return;
    }
    for (const key of [LauncherContract.INVESTIGATION_LABEL, LauncherContract.PHASE_LABEL]) {
      if (labels[key] !== undefined) {
        problems.add(path, `${field}.${key}`, labels[key], 'must be absent: the renderer sets it per investigation', `remove the ${key} label from the template`);
      }
    }
    const agentLabel = labels[LauncherContract.AGENT_LABEL];
    if (agentLabel !== undefined && agentLabel !== agent) {
      problems.add(path, `${field}.${LauncherContract.AGENT_LABEL}`, agentLabel, `disagrees with the contract agent ${ProblemCollector.show(agent)}`,
        'make both equal');
    }
  }
}

function isObject(v: unknown): v is { [key: string]: any } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isStringArray(v: unknown): boolean {
  return Array.isArray(v) && v.every(x => typeof x === 'string');
}
