/**
 * The Pod Security Standards `restricted` profile (which includes
 * `baseline`) as data: the one table the admission CEL rules
 * (`AdmissionRules.forFleet`, `PodAdmissionRules.forFleet`) and the verifier's checker
 * (`PodSecurityRestricted`) both read, so the two cannot drift.
 * Windows-only relaxations are not modelled (agents run on Linux nodes).
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/
 */
export class PodSecurityProfile {
  /** Seccomp profile types `restricted` accepts. */
  public static readonly SECCOMP_PROFILE_TYPES: readonly string[] = ['RuntimeDefault', 'Localhost'];
  /** Capabilities `restricted` allows a container to add (after dropping ALL). */
  public static readonly ADDABLE_CAPABILITIES: readonly string[] = ['NET_BIND_SERVICE'];
  /** Pod fields that share a host namespace (`baseline`: unset or false). */
  public static readonly HOST_NAMESPACE_FIELDS: readonly string[] = ['hostNetwork', 'hostPID', 'hostIPC'];
  /** Volume types `restricted` allows. */
  public static readonly VOLUME_TYPES: readonly string[] = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral',
    'persistentVolumeClaim', 'projected', 'secret'];
  /** Sysctls `baseline` calls safe (the published list up to Kubernetes 1.33). */
  public static readonly SAFE_SYSCTLS: readonly string[] = ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range',
    'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range',
    'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
    'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes'];
  /** SELinux types `baseline` allows. */
  public static readonly SELINUX_TYPES: readonly string[] = ['', 'container_t', 'container_init_t', 'container_kvm_t',
    'container_engine_t'];

  private constructor() {}
}
