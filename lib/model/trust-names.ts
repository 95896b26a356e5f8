import { ProblemCollector } from './private/problem-collector';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Every name the library derives, in one place, so the Kubernetes and the
 * Vault side can never disagree: a name is computed, never typed twice.
 */
export class TrustNames {
  /** Prefix of every phase ServiceAccount and Vault role. */
  public static readonly PHASE_PREFIX = 'agent-phase-';
  /** Prefix of every investigation Job name. */
  public static readonly JOB_PREFIX = 'investigation-';
  /**
   * Audience of the projected token agents log in to Vault with; the Vault
   * roles require exactly this audience.
   */
  public static readonly VAULT_AUDIENCE = 'vault';
  /** Default Kubernetes auth mount of an unscoped fleet. */
  public static readonly DEFAULT_AUTH_MOUNT = 'kubernetes-agents';
  /** Prefix of every domain secrets engine mount. */
  public static readonly MOUNT_PREFIX = 'agents/';
  /** Kubernetes' limit for a DNS label (RFC 1123). */
  public static readonly MAX_DNS_LABEL = 63;
  /** Longest investigation id that still fits `investigation-<id>` in a DNS label. */
  public static readonly MAX_INVESTIGATION_ID = TrustNames.MAX_DNS_LABEL - TrustNames.JOB_PREFIX.length;
  /** Longest phase name that still fits `agent-phase-<phase>` in a DNS label. */
  public static readonly MAX_PHASE_NAME = TrustNames.MAX_DNS_LABEL - TrustNames.PHASE_PREFIX.length;

  /** ServiceAccount of a phase: `agent-phase-<phase>`. */
  public static serviceAccount(phaseName: string): string {
    return `${TrustNames.PHASE_PREFIX}${phaseName}`;
  }

  /**
   * Vault auth role of a phase: the ServiceAccount name on purpose, behind
   * the fleet's Vault prefix when its names are fleet-scoped
   * (`<prefix>-agent-phase-<phase>`, `VaultNaming.fleetScoped`).
   */
  public static vaultRole(phaseName: string, vaultPrefix?: string): string {
    return TrustNames.vaultScoped(TrustNames.serviceAccount(phaseName), vaultPrefix);
  }

  /** Vault policy of a phase: equal to its role name. */
  public static vaultPolicy(phaseName: string, vaultPrefix?: string): string {
    return TrustNames.vaultRole(phaseName, vaultPrefix);
  }

  /** Default Kubernetes auth mount of a fleet: `kubernetes-agents`, or `kubernetes-<prefix>` when fleet-scoped. */
  public static defaultAuthMount(vaultPrefix?: string): string {
    return vaultPrefix === undefined ? TrustNames.DEFAULT_AUTH_MOUNT : `kubernetes-${vaultPrefix}`;
  }

  /**
   * Auth mount of one cluster of a fleet: `<mount>-<cluster>`, so every
   * (fleet, cluster) pair has its own mount with its own CA or issuer and a
   * token of one cluster cannot log in through another's.
   */
  public static clusterMount(mountPath: string, clusterName: string): string {
    return `${mountPath}-${clusterName}`;
  }

  /**
   * Name of an object emitted once per namespace under the same base name
   * (a phase's Role and RoleBinding in each target namespace):
   * `<name>.<namespace>`. cdk8s's per-resource output types name each file
   * `<kind>.<name>` without the namespace, so equal names in different
   * namespaces would overwrite each other's files. Unambiguous because
   * neither part of a DNS-label base contains a dot.
   */
  public static perNamespace(name: string, namespace: string): string {
    return `${name}.${namespace}`;
  }

  /**
   * The ServiceAccount a Kubernetes secrets engine mints tokens of `level`
   * for (issue #17): `<mount>-<level>` with the mount path's
   * non-alphanumerics as `-`, e.g. `agents-application-read-only`, in
   * `kubernetesEngineNamespace`; bound to the level's Role in every target
   * namespace. Both halves compute it here. At most 63 characters (the
   * mount part is shortened).
   */
  public static kubernetesEngineServiceAccount(mountPath: string, levelName: string): string {
    const mount = mountPath.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    const room = TrustNames.MAX_DNS_LABEL - levelName.length - 1;
    return `${mount.slice(0, room).replace(/-+$/, '')}-${levelName}`;
  }

  /**
   * The namespace holding the Kubernetes secrets engine's level
   * ServiceAccounts: the first target namespace. One namespace, because a
   * Vault role names one `service_account_name` and cdk8s's per-resource
   * output layouts keep one file per kind and name; the ServiceAccounts'
   * RoleBindings give their tokens the level's rules in every target namespace.
   */
  public static kubernetesEngineNamespace(targetNamespaces: string[]): string {
    return targetNamespaces[0];
  }

  /**
   * Default mount path of a domain's secrets engine: `agents/<domain>`, or
   * `agents-<prefix>/<domain>` when the fleet's Vault names are
   * fleet-scoped (never nested in another fleet's mounts).
   */
  public static mountPath(domainName: string, vaultPrefix?: string): string {
    return vaultPrefix === undefined ? `${TrustNames.MOUNT_PREFIX}${domainName}` : `agents-${vaultPrefix}/${domainName}`;
  }

  private static vaultScoped(name: string, vaultPrefix?: string): string {
    return vaultPrefix === undefined ? name : `${vaultPrefix}-${name}`;
  }

  /** Job name of an investigation: `investigation-<id>`. */
  public static jobName(investigationId: string): string {
    return `${TrustNames.JOB_PREFIX}${investigationId}`;
  }

  /** Whether a string is an RFC 1123 DNS label (lowercase, ≤ 63 characters). */
  public static isDnsLabel(value: string): boolean {
    return typeof value === 'string' && value.length <= TrustNames.MAX_DNS_LABEL && DNS_LABEL.test(value);
  }

  /** Whether a string is an RFC 1123 DNS subdomain (≤ 253 characters). */
  public static isDnsSubdomain(value: string): boolean {
    return typeof value === 'string' && value.length <= 253 && DNS_SUBDOMAIN.test(value);
  }

  /** Whether a string is a valid Kubernetes label value. */
  public static isLabelValue(value: string): boolean {
    return typeof value === 'string' && value.length <= 63 && LABEL_VALUE.test(value);
  }

  /** Whether a string is a valid investigation id (a DNS label that fits `investigation-<id>`). */
  public static isInvestigationId(value: string): boolean {
    return TrustNames.isDnsLabel(value) && value.length <= TrustNames.MAX_INVESTIGATION_ID;
  }

  /**
   * Record a problem unless `value` is a DNS label of at most `maxLength`
   * characters. Returns whether it was valid.
   * @internal
   */
  public static _checkDnsLabel(problems: ProblemCollector, path: string, field: string, value: string,
    maxLength?: number): boolean {
    const max = maxLength ?? TrustNames.MAX_DNS_LABEL;
    if (typeof value !== 'string' || value.length === 0) {
      problems.add(path, field, value, 'must be a non-empty DNS label', 'use lowercase letters, digits and "-", e.g. "read-only"');
      return false;
    }
    if (!DNS_LABEL.test(value)) {
      problems.add(path, field, value, 'is not an RFC 1123 DNS label',
        'use only lowercase letters, digits and "-", starting and ending with a letter or digit');
      return false;
    }
    if (value.length > max) {
      problems.add(path, field, value, `is ${value.length} characters, longer than the ${max} allowed here`,
        `shorten it to at most ${max} characters`);
      return false;
    }
    return true;
  }
}
