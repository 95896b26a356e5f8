/**
 * One of the admission guards that keep a phase identity inside admitted
 * investigations, beyond the Job policy itself. Every guard is on by
 * default; turning one off takes an `AdmissionGuardOverride` with a reason,
 * which the Job policy records as an annotation and `agent-trust verify`
 * reports as a missing guard.
 */
export class AdmissionGuard {
  /**
   * The Pod policy: only the Job controller creates Pods that run as a phase
   * ServiceAccount, each controlled by its investigation Job and still
   * shaped like the agent's template; no ephemeral containers.
   */
  public static readonly POD = new AdmissionGuard('pod',
    'Pods that run as a phase ServiceAccount come only from the Job controller, from an investigation Job, unchanged');
  /** Only the launcher (and identities the fleet names) may create investigation Jobs. */
  public static readonly JOB_CREATOR = new AdmissionGuard('job-creator',
    'only the launcher creates investigation Jobs');
  /** Tokens for phase ServiceAccounts are minted only by kubelets, bound to investigation Pods. */
  public static readonly TOKEN_REQUEST = new AdmissionGuard('token-request',
    'tokens for phase ServiceAccounts are minted only by a kubelet for an investigation Pod');
  /** No exec, attach, port-forward or proxy into investigation Pods. */
  public static readonly POD_CONNECT = new AdmissionGuard('pod-connect',
    'nobody execs, attaches, port-forwards or proxies into an investigation Pod');
  /** The Job equals its agent's launcher contract but for the investigation id and the phase (`JobContractAdmissionRules`). */
  public static readonly JOB_CONTRACT = new AdmissionGuard('job-contract',
    'an investigation Job equals its agent\'s launcher contract but for the investigation id and the phase');
  /** Only the promotion identity writes the ceilings ConfigMap and the launcher-contract ConfigMaps (`ParamsAdmissionRules`). */
  public static readonly PARAMS = new AdmissionGuard('params',
    'only the promotion identity creates, updates or deletes the ceilings and launcher-contract ConfigMaps');

  /** Annotation prefix on the Job policy recording a guard turned off: `<prefix><guard id>` = reason. */
  public static readonly ANNOTATION_PREFIX = 'agent-trust.io/guard-off.';

  /** Every guard. */
  public static all(): AdmissionGuard[] {
    return [AdmissionGuard.POD, AdmissionGuard.JOB_CREATOR, AdmissionGuard.TOKEN_REQUEST, AdmissionGuard.POD_CONNECT, AdmissionGuard.PARAMS,
      AdmissionGuard.JOB_CONTRACT];
  }

  /** The annotation key recording that `guard` is off. */
  public static annotationKey(guard: AdmissionGuard): string {
    return `${AdmissionGuard.ANNOTATION_PREFIX}${guard.id}`;
  }

  private constructor(
    /** Stable id, e.g. `pod`. */
    public readonly id: string,
    /** What the guard ensures. */
    public readonly ensures: string) {}

  public toString(): string {
    return this.id;
  }
}

/** Turns one admission guard off, with the reason a reviewer reads. */
export interface AdmissionGuardOverride {
  /** The guard turned off. */
  readonly guard: AdmissionGuard;
  /** Why that is acceptable here; required, recorded on the Job policy and reported by `agent-trust verify`. */
  readonly reason: string;
}
