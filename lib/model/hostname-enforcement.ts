import { TrustNames } from './trust-names';
import { ProblemCollector } from './private/problem-collector';

/** An egress proxy agents reach hostnames through (`HostnameEnforcement.egressProxy`). */
export interface EgressProxyProps {
  /** Namespace the proxy pods run in (matched by its `kubernetes.io/metadata.name` label). */
  readonly namespace: string;
  /** Labels of the proxy pods. */
  readonly podLabels: { [key: string]: string };
  /**
   * Name of the proxy's Service in `namespace`: agents get
   * `http://<serviceName>.<namespace>.svc:<port>` as their proxy URL.
   */
  readonly serviceName: string;
  /**
   * First listening port. Phase number i of the ladder (0 = lowest) uses
   * `port + i`, so the proxy knows a client's phase by the port it connects
   * to, and each phase's NetworkPolicy lets it reach only its own port. The
   * Service must expose each of these ports with the same target port.
   * @default 3128
   */
  readonly port?: number;
}

/** Where Cilium's DNS proxy sees agents' DNS queries (`HostnameEnforcement.cilium`). */
export interface CiliumFqdnProps {
  /**
   * Namespace of the cluster DNS pods.
   * @default "kube-system"
   */
  readonly dnsNamespace?: string;
  /**
   * Labels of the cluster DNS pods.
   * @default { "k8s-app": "kube-dns" }
   */
  readonly dnsPodLabels?: { [key: string]: string };
}

/** Default first port of the egress proxy (Squid's usual port). */
const DEFAULT_PROXY_PORT = 3128;

/**
 * How a fleet enforces hostname egress (`EgressTarget.hosts`), which core
 * NetworkPolicy cannot express:
 *
 * - `egressProxy`: each phase's NetworkPolicy allows only its own port of a
 *   forward proxy you run; the library emits the proxy's per-phase
 *   allowlist as a Squid configuration (`EgressProxyAllowlist`) and lists
 *   the hostnames in the launcher contract.
 * - `cilium`: each phase gets a `CiliumNetworkPolicy` (cilium.io/v2) with
 *   `toFQDNs` for exactly its hostnames and the DNS rule that lets Cilium's
 *   DNS proxy learn their addresses; the NetworkPolicy default-deny stays.
 */
export class HostnameEnforcement {

  /** Through a forward proxy, one port per phase. */
  public static egressProxy(props: EgressProxyProps): HostnameEnforcement {
    return new HostnameEnforcement('egress-proxy', {
      namespace: props.namespace,
      podLabels: { ...(props.podLabels ?? {}) },
      serviceName: props.serviceName,
      port: props.port ?? DEFAULT_PROXY_PORT,
    }, undefined);
  }

  /** With Cilium `toFQDNs` policies. */
  public static cilium(props?: CiliumFqdnProps): HostnameEnforcement {
    return new HostnameEnforcement('cilium', undefined, {
      dnsNamespace: props?.dnsNamespace ?? 'kube-system',
      dnsPodLabels: { ...(props?.dnsPodLabels ?? { 'k8s-app': 'kube-dns' }) },
    });
  }

  private constructor(
    /** `egress-proxy` or `cilium` (as written in the launcher contract). */
    public readonly kind: string,
    /** The proxy, for `egressProxy`. */
    public readonly proxy: EgressProxyProps | undefined,
    /** The DNS pods, for `cilium`. */
    public readonly ciliumDns: CiliumFqdnProps | undefined) {}

  /** Whether hostnames go through the egress proxy. */
  public get isProxy(): boolean {
    return this.proxy !== undefined;
  }

  /** The proxy port of the phase at `rank` (0 = lowest); undefined without a proxy. */
  public proxyPort(rank: number): number | undefined {
    return this.proxy ? (this.proxy.port ?? DEFAULT_PROXY_PORT) + rank : undefined;
  }

  /** The proxy URL agents of the phase at `rank` use; undefined without a proxy. */
  public proxyUrl(rank: number): string | undefined {
    return this.proxy ? `http://${this.proxy.serviceName}.${this.proxy.namespace}.svc:${this.proxyPort(rank)}` : undefined;
  }

  /**
   * Record every problem; `phaseCount` bounds the proxy's port range.
   * @internal
   */
  public _validate(problems: ProblemCollector, path: string, phaseCount: number): void {
    const p = this.proxy;
    if (p) {
      TrustNames._checkDnsLabel(problems, path, 'namespace', p.namespace);
      TrustNames._checkDnsLabel(problems, path, 'serviceName', p.serviceName);
      HostnameEnforcement.checkLabels(problems, path, 'podLabels', p.podLabels);
      const port = p.port ?? DEFAULT_PROXY_PORT;
      if (!Number.isInteger(port) || port < 1 || port + phaseCount - 1 > 65535) {
        problems.add(path, 'port', port, `is not a port from which ${phaseCount} consecutive ports (one per phase) fit in 1-65535`,
          `use e.g. ${DEFAULT_PROXY_PORT}`);
      }
    }
    const c = this.ciliumDns;
    if (c) {
      TrustNames._checkDnsLabel(problems, path, 'dnsNamespace', c.dnsNamespace ?? '');
      HostnameEnforcement.checkLabels(problems, path, 'dnsPodLabels', c.dnsPodLabels);
    }
  }

  private static checkLabels(problems: ProblemCollector, path: string, field: string, labels: { [key: string]: string } | undefined): void {
    if (!labels || Object.keys(labels).length === 0) {
      problems.add(path, field, labels, 'selects every pod of the namespace',
        'name the labels of exactly the pods meant, e.g. { "app.kubernetes.io/name": "squid" }');
    }
  }

  public toString(): string {
    return this.kind;
  }
}
