import { PodSecurityProfile } from '../model/private/pod-security-profile';

/**
 * The Pod Security Standards `restricted` profile (which includes
 * `baseline`), checked over plain JSON pod specs: ours, hand-edited, or
 * loaded from any manifest. Pure code with no cdk8s import, so the
 * `agent-trust verify` command reuses it on files.
 *
 * The allowed values are the model's table (`PodSecurityProfile`), which
 * the admission CEL rules read too.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class PodSecurityRestricted {
  /**
   * Every violation of the `restricted` profile in a pod spec, one line
   * each, starting with `path` and the offending field. Empty when the pod
   * spec complies.
   * @param podSpec a pod spec (`spec` of a Pod, `spec.template.spec` of a Job …) as plain JSON
   * @param path how to name the spec in messages, e.g. `Job agents/x spec.template.spec`
   * @param podAnnotations the pod's annotations (for the legacy AppArmor annotations)
   */
  public static check(podSpec: any, path: string, podAnnotations?: { [key: string]: string }): string[] {
    const out: string[] = [];
    const spec = podSpec ?? {};
    const say = (field: string, problem: string, value: unknown): void => {
      out.push(`${path}.${field}: ${problem} (got ${JSON.stringify(value)})`);
    };

    // Baseline: host namespaces.
    for (const field of PodSecurityProfile.HOST_NAMESPACE_FIELDS) {
      if (spec[field] !== undefined && spec[field] !== null && spec[field] !== false) {
        say(field, 'must be unset or false (host namespaces)', spec[field]);
      }
    }
    const podCtx = spec.securityContext ?? {};
    PodSecurityRestricted.checkCommonContext(podCtx, 'securityContext', say);
    (podCtx.sysctls ?? []).forEach((s: any, i: number) => {
      if (!PodSecurityProfile.SAFE_SYSCTLS.includes(s?.name)) {
        say(`securityContext.sysctls[${i}].name`, `is not a safe sysctl (allowed: ${PodSecurityProfile.SAFE_SYSCTLS.join(', ')})`, s?.name);
      }
    });
    if (podCtx.runAsUser === 0) {
      say('securityContext.runAsUser', 'must not be 0 (root)', 0);
    }
    if (podCtx.runAsNonRoot === false) {
      say('securityContext.runAsNonRoot', 'must be true or unset', false);
    }

    // Volumes.
    (spec.volumes ?? []).forEach((v: any, i: number) => {
      const types = Object.keys(v ?? {}).filter(k => k !== 'name');
      for (const t of types) {
        if (t === 'hostPath') {
          say(`volumes[${i}].hostPath`, 'hostPath volumes are forbidden', v[t]);
        } else if (!PodSecurityProfile.VOLUME_TYPES.includes(t)) {
          say(`volumes[${i}].${t}`, `volume type "${t}" is not allowed (allowed: ${PodSecurityProfile.VOLUME_TYPES.join(', ')})`, v[t]);
        }
      }
    });

    // Containers of every kind.
    const containers: Array<[string, any]> = [];
    for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
      (spec[list] ?? []).forEach((c: any, i: number) => containers.push([`${list}[${i}]`, c ?? {}]));
    }
    const podSeccomp = podCtx.seccompProfile?.type;
    for (const [cPath, c] of containers) {
      const ctx = c.securityContext ?? {};
      const at = (f: string): string => `${cPath}.securityContext.${f}`;
      if (ctx.privileged !== undefined && ctx.privileged !== null && ctx.privileged !== false) {
        say(at('privileged'), 'must be unset or false (privileged containers)', ctx.privileged);
      }
      (c.ports ?? []).forEach((p: any, j: number) => {
        if (p?.hostPort !== undefined && p?.hostPort !== null && p?.hostPort !== 0) {
          say(`${cPath}.ports[${j}].hostPort`, 'must be unset or 0 (host ports)', p.hostPort);
        }
      });
      PodSecurityRestricted.checkCommonContext(ctx, `${cPath}.securityContext`, say);
      const key = `container.apparmor.security.beta.kubernetes.io/${c.name}`;
      const annotation = podAnnotations?.[key];
      if (annotation !== undefined && annotation !== 'runtime/default' && !annotation.startsWith('localhost/')) {
        out.push(`${path} annotation ${key}: AppArmor profile must be runtime/default or localhost/* (got ${JSON.stringify(annotation)})`);
      }
      // Restricted: privilege escalation.
      if (ctx.allowPrivilegeEscalation !== false) {
        say(at('allowPrivilegeEscalation'), 'must be false', ctx.allowPrivilegeEscalation);
      }
      // Restricted: running as non-root.
      if (ctx.runAsNonRoot === false) {
        say(at('runAsNonRoot'), 'must be true or unset', false);
      } else if (ctx.runAsNonRoot !== true && podCtx.runAsNonRoot !== true) {
        say(at('runAsNonRoot'), 'must be true here or in the pod securityContext', ctx.runAsNonRoot);
      }
      if (ctx.runAsUser === 0) {
        say(at('runAsUser'), 'must not be 0 (root)', 0);
      }
      // Restricted: seccomp, at pod level or on every container.
      const seccomp = ctx.seccompProfile?.type;
      if (seccomp !== undefined && !PodSecurityProfile.SECCOMP_PROFILE_TYPES.includes(seccomp)) {
        // Unconfined is reported by checkCommonContext (baseline); report other unknown values here.
        if (seccomp !== 'Unconfined') {
          say(at('seccompProfile.type'), 'must be RuntimeDefault or Localhost', seccomp);
        }
      } else if (seccomp === undefined && !PodSecurityProfile.SECCOMP_PROFILE_TYPES.includes(podSeccomp)) {
        say(at('seccompProfile.type'), 'must be RuntimeDefault or Localhost here or in the pod securityContext', undefined);
      }
      // Restricted: capabilities.
      const caps = ctx.capabilities ?? {};
      if (!(caps.drop ?? []).includes('ALL')) {
        say(at('capabilities.drop'), 'must include "ALL"', caps.drop);
      }
      const added = (caps.add ?? []).filter((a: string) => !PodSecurityProfile.ADDABLE_CAPABILITIES.includes(a));
      if (added.length > 0) {
        say(at('capabilities.add'), `may only add ${PodSecurityProfile.ADDABLE_CAPABILITIES.join(', ')}`, caps.add);
      }
    }
    const podSeccompSet = podCtx.seccompProfile?.type;
    if (podSeccompSet !== undefined && podSeccompSet !== 'Unconfined'
      && !PodSecurityProfile.SECCOMP_PROFILE_TYPES.includes(podSeccompSet)) {
      say('securityContext.seccompProfile.type', 'must be RuntimeDefault or Localhost', podSeccompSet);
    }
    return out;
  }

  /**
   * Every violation in the pod specs of a manifest: a Pod, a pod template
   * (Job, Deployment, StatefulSet, DaemonSet, ReplicaSet,
   * ReplicationController, PodTemplate) or a CronJob. Other kinds have no
   * pod spec and yield nothing.
   */
  public static checkManifest(manifest: any): string[] {
    const template = PodSecurityRestricted.podTemplateOf(manifest);
    if (!template) {
      return [];
    }
    const name = `${manifest.kind} ${manifest.metadata?.namespace ? `${manifest.metadata.namespace}/` : ''}${manifest.metadata?.name}`;
    return PodSecurityRestricted.check(template.spec, `${name} ${template.path}`, template.metadata?.annotations);
  }

  /** Whether a manifest kind carries a pod spec this checker reads. */
  public static hasPodSpec(manifest: any): boolean {
    return PodSecurityRestricted.podTemplateOf(manifest) !== undefined;
  }

  private static podTemplateOf(m: any): { spec: any; metadata: any; path: string } | undefined {
    switch (m?.kind) {
      case 'Pod':
        return { spec: m.spec, metadata: m.metadata, path: 'spec' };
      case 'PodTemplate':
        return { spec: m.template?.spec, metadata: m.template?.metadata, path: 'template.spec' };
      case 'CronJob':
        return { spec: m.spec?.jobTemplate?.spec?.template?.spec, metadata: m.spec?.jobTemplate?.spec?.template?.metadata,
          path: 'spec.jobTemplate.spec.template.spec' };
      case 'Job':
      case 'Deployment':
      case 'StatefulSet':
      case 'DaemonSet':
      case 'ReplicaSet':
      case 'ReplicationController':
        return { spec: m.spec?.template?.spec, metadata: m.spec?.template?.metadata, path: 'spec.template.spec' };
      default:
        return undefined;
    }
  }

  /** Baseline rules shared by pod and container security contexts. */
  private static checkCommonContext(ctx: any, at: string, say: (field: string, problem: string, value: unknown) => void): void {
    if (ctx.windowsOptions?.hostProcess === true) {
      say(`${at}.windowsOptions.hostProcess`, 'must be unset or false (HostProcess)', true);
    }
    const se = ctx.seLinuxOptions;
    if (se) {
      if (se.type !== undefined && !PodSecurityProfile.SELINUX_TYPES.includes(se.type)) {
        say(`${at}.seLinuxOptions.type`, `must be unset or one of ${PodSecurityProfile.SELINUX_TYPES.filter(t => t).join(', ')}`, se.type);
      }
      for (const f of ['user', 'role']) {
        if (se[f] !== undefined && se[f] !== '') {
          say(`${at}.seLinuxOptions.${f}`, 'must be unset or empty', se[f]);
        }
      }
    }
    if (ctx.procMount !== undefined && ctx.procMount !== 'Default') {
      say(`${at}.procMount`, 'must be unset or Default', ctx.procMount);
    }
    const apparmor = ctx.appArmorProfile?.type;
    if (apparmor !== undefined && apparmor !== 'RuntimeDefault' && apparmor !== 'Localhost') {
      say(`${at}.appArmorProfile.type`, 'must be RuntimeDefault or Localhost', apparmor);
    }
    if (ctx.seccompProfile?.type === 'Unconfined') {
      say(`${at}.seccompProfile.type`, 'must not be Unconfined', 'Unconfined');
    }
  }
}
