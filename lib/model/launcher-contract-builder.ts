import { AgentJobSpec } from './agent-job-spec';
import { ContractPhase, LauncherContract, LauncherContractDocument } from './launcher-contract';
import { PhaseBinding } from './phase-binding';
import { PhaseHostnames } from './phase-hostnames';
import { JsonCopy } from './private/json-copy';

/**
 * Builds the launcher contract of one agent from its example Job (the
 * document the construct synthesized, in the lowest phase) and the fleet's
 * phase bindings. Kept apart from `LauncherContract`, whose constants the
 * launcher loads without the rest of the model.
 */
export class LauncherContractBuilder {
  /**
   * The contract of `spec`'s agent. `exampleJob` is the complete example
   * Job (investigation `AgentJobSpec.TEMPLATE_ID`); it is edited in place
   * into the contract's template, so pass a fresh copy.
   */
  public static fromJob(spec: AgentJobSpec, exampleJob: any): LauncherContractDocument {
    const fleet = spec.fleet;
    const env = LauncherContract.defaultEnvNames();
    const template = exampleJob;
    delete template.metadata.name;
    const strip = (labels: { [k: string]: string } | undefined): void => {
      if (labels) {
        delete labels[LauncherContract.INVESTIGATION_LABEL];
        delete labels[LauncherContract.PHASE_LABEL];
      }
    };
    strip(template.metadata.labels);
    strip(template.spec?.template?.metadata?.labels);
    const podSpec = template.spec?.template?.spec ?? {};
    delete podSpec.serviceAccountName;
    const filled = new Set([env.investigationId, env.trustPhase, env.vaultRole, env.otelResourceAttributes]);
    for (const c of podSpec.containers ?? []) {
      if (c.name === spec.containerName && Array.isArray(c.env)) {
        c.env = c.env.filter((e: { name: string }) => !filled.has(e.name));
      }
    }
    // The whole ladder, rendered or not: the launcher ranks phases and promote-check reads their criteria.
    const bindings = fleet.ladderBindings;
    return {
      apiVersion: LauncherContract.API_VERSION,
      kind: LauncherContract.KIND,
      agent: spec.agent.name,
      namespace: fleet.namespace,
      ceiling: fleet.ceilingOf(spec.agent).name,
      jobDeadlineSeconds: fleet.jobDeadline.toSeconds(),
      containerName: spec.containerName,
      env,
      vaultToken: {
        // Every phase has the fleet's TTLs: the lowest binding speaks for all.
        ttlSeconds: bindings[0].tokenTtlSeconds,
        explicitMaxTtlSeconds: bindings[0].tokenMaxTtlSeconds,
        renewIntervalSeconds: fleet.tokenRenewIntervalSeconds,
        revokeOnExit: true,
        renewIntervalEnv: LauncherContract.RENEW_INTERVAL_ENV,
        revokeOnExitEnv: LauncherContract.REVOKE_ON_EXIT_ENV,
      },
      phases: bindings.map(b => LauncherContractBuilder.phaseRow(spec, b)),
      jobTemplate: template,
      targetNamespaces: [...fleet.targetNamespaces],
      ...(fleet.hostnameEnforcement ? { hostnameEnforcement: fleet.hostnameEnforcement.kind } : {}),
      allowedRegistries: [...fleet.allowedRegistries],
    };
  }

  /** The contract row of one phase: the binding's names, mounts, egress and paths, the ladder's promotion criteria. */
  public static phaseRow(spec: AgentJobSpec, binding: PhaseBinding): ContractPhase {
    // The row depends on the binding only (issue #14: every template of a fleet used to recompute it). The
    // first template gets it through JSON; a second one makes a copier of its shape that every later one uses.
    const cached = LauncherContractBuilder.rows.get(binding);
    let copy: ContractPhase;
    if (cached === undefined) {
      // Through JSON (what the ConfigMap holds): no undefined fields, nothing shared with the model.
      const text = JSON.stringify(LauncherContractBuilder.buildRow(spec, binding));
      LauncherContractBuilder.rows.set(binding, text);
      copy = JSON.parse(text);
    } else if (typeof cached === 'string') {
      const copier = JsonCopy.walker(JSON.parse(cached));
      LauncherContractBuilder.rows.set(binding, copier);
      copy = copier();
    } else {
      copy = cached();
    }
    const annotations = spec.injectorPhaseAnnotations(binding);
    return annotations ? { ...copy, podAnnotations: annotations } : copy;
  }

  private static buildRow(spec: AgentJobSpec, binding: PhaseBinding): ContractPhase {
    const fleet = spec.fleet;
    const phase = binding.phase;
    return {
      name: phase.name,
      serviceAccount: binding.serviceAccount,
      vaultRole: binding.vaultRole,
      vaultAuthMount: binding.authMountPath,
      ...(binding.jwtAuthMountPath ? { vaultJwtAuthMount: binding.jwtAuthMountPath } : {}),
      egress: binding.egress.map(t => t.toString()),
      ...PhaseHostnames.contractFields(fleet, phase),
      vaultPaths: binding.credentialPaths,
      // What `agent-trust promote-check` evaluates evidence against, straight from the ladder.
      promotion: fleet.ladder.definition(phase).promotion,
      demotionTriggers: fleet.ladder.demotionTriggers(phase).map(t => t.id),
    };
  }

  /** Per binding: the row's JSON text after its first use, a copier of its shape after its second. */
  private static readonly rows = new WeakMap<PhaseBinding, string | (() => ContractPhase)>();

  private constructor() {}
}
