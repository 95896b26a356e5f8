import type { AgentFleet } from './agent-fleet';
import { EgressTarget, EgressProtocol } from './egress-target';
import { HostnameEnforcement } from './hostname-enforcement';
import { isWildcard } from './private/dns-name';
import { TrustPhase } from './trust-phase';
import { ProblemCollector } from './private/problem-collector';

/** One hostname a phase may reach on one port (a row of the launcher contract's `egressHostnames`). */
export interface HostnameGrant {
  /** The hostname, or a one-label wildcard such as `*.example.com`. */
  readonly hostname: string;
  /** Port number. */
  readonly port: number;
  /** `TCP` or `UDP`. */
  readonly protocol: string;
}

/** The launcher contract fields of one phase's hostname egress. */
export interface PhaseHostnameFields {
  /**
   * Every hostname grant of the phase.
   * @default - none (the phase reaches no hostname)
   */
  readonly egressHostnames?: HostnameGrant[];
  /**
   * The proxy URL agents of the phase use (HTTPS_PROXY), through an egress proxy.
   * @default - none (no proxy, or no hostname)
   */
  readonly egressProxy?: string;
}

/**
 * The hostname egress of a fleet's phases, read from the domains' `hosts`
 * targets: what each phase may reach, how (`fleet.hostnameEnforcement`),
 * and the checks that tie hostnames to an enforcement.
 */
export class PhaseHostnames {
  /** Every hostname grant of `phase`, sorted by hostname, port and protocol, without repeats. */
  public static of(fleet: AgentFleet, phase: TrustPhase): HostnameGrant[] {
    const byKey = new Map<string, HostnameGrant>();
    for (const target of fleet.egressOf(phase).filter(t => t.hostnames !== undefined)) {
      for (const hostname of target.hostnames ?? []) {
        for (const p of target.ports) {
          const protocol = p.protocol ?? EgressProtocol.TCP;
          byKey.set(`${hostname}|${p.port}|${protocol}`, { hostname, port: p.port, protocol });
        }
      }
    }
    return [...byKey.values()].sort((a, b) =>
      a.hostname.localeCompare(b.hostname) || a.port - b.port || a.protocol.localeCompare(b.protocol));
  }

  /** `hostname:port/PROTOCOL`, as reports show a grant. */
  public static describe(grant: HostnameGrant): string {
    return `${grant.hostname}:${grant.port}/${grant.protocol}`;
  }

  /** Whether `hostname` is a one-label wildcard (`*.example.com`). */
  public static isWildcard(hostname: string): boolean {
    return isWildcard(hostname);
  }

  /** The rank (0 = lowest) of `phase` in the fleet's ladder. */
  public static rankOf(fleet: AgentFleet, phase: TrustPhase): number {
    return fleet.ladder.phases.findIndex(p => p.name === phase.name);
  }

  /** The proxy URL agents of `phase` use, when the fleet enforces hostnames through a proxy and the phase has hostnames. */
  public static proxyUrl(fleet: AgentFleet, phase: TrustPhase): string | undefined {
    const enforcement = fleet.hostnameEnforcement;
    if (!enforcement?.isProxy || PhaseHostnames.of(fleet, phase).length === 0) {
      return undefined;
    }
    return enforcement.proxyUrl(PhaseHostnames.rankOf(fleet, phase));
  }

  /**
   * The in-cluster target a phase's NetworkPolicy allows for its hostnames:
   * the proxy pods on the phase's own port. Undefined under Cilium (its own
   * policy allows the names) or when the phase has no hostnames.
   */
  public static proxyTarget(fleet: AgentFleet, phase: TrustPhase): EgressTarget | undefined {
    const proxy = fleet.hostnameEnforcement?.proxy;
    if (!proxy || PhaseHostnames.of(fleet, phase).length === 0) {
      return undefined;
    }
    const port = fleet.hostnameEnforcement!.proxyPort(PhaseHostnames.rankOf(fleet, phase))!;
    return EgressTarget.inCluster(proxy.namespace, proxy.podLabels, [{ port, protocol: EgressProtocol.TCP }]);
  }

  /**
   * What a phase's NetworkPolicy allows besides DNS and the API server:
   * Vault and the domains' CIDR and in-cluster targets, and for hostnames
   * only the egress proxy on the phase's port (under Cilium, the phase's
   * CiliumNetworkPolicy allows the names instead).
   */
  public static networkTargets(fleet: AgentFleet, phase: TrustPhase): EgressTarget[] {
    const proxy = PhaseHostnames.proxyTarget(fleet, phase);
    return [...fleet.egressOf(phase).filter(t => t.hostnames === undefined), ...(proxy ? [proxy] : [])];
  }

  /**
   * The launcher contract fields of a phase (`egressHostnames`, and
   * `egressProxy` through a proxy); empty when the phase has no hostnames.
   */
  public static contractFields(fleet: AgentFleet, phase: TrustPhase): PhaseHostnameFields {
    const grants = PhaseHostnames.of(fleet, phase);
    if (grants.length === 0) {
      return {};
    }
    const url = PhaseHostnames.proxyUrl(fleet, phase);
    return { egressHostnames: grants, ...(url ? { egressProxy: url } : {}) };
  }

  /**
   * Record the problems of the fleet's hostname egress: hostnames need an
   * enforcement, a proxy carries TCP only, and Vault and the API server are
   * never reached by name.
   * @internal
   */
  public static _validate(problems: ProblemCollector, fleet: AgentFleet, path: string): void {
    const enforcement: HostnameEnforcement | undefined = fleet.hostnameEnforcement;
    enforcement?._validate(problems, `${path}/hostnameEnforcement`, fleet.ladder.phases.length);
    fleet.domains.forEach((d, i) => d.egress.forEach((t, j) => {
      if (t.hostnames === undefined) {
        return;
      }
      const at = `${path}/domains[${i}]/egress[${j}]`;
      if (!enforcement) {
        problems.add(at, 'hostnames', t.hostnames, 'need a hostname enforcement: core NetworkPolicy cannot match names',
          'set the fleet\'s hostnameEnforcement to HostnameEnforcement.egressProxy({ namespace, serviceName, podLabels }) or HostnameEnforcement.cilium()');
      } else if (enforcement.isProxy) {
        t.ports.forEach((p, k) => {
          if ((p.protocol ?? EgressProtocol.TCP) !== EgressProtocol.TCP) {
            problems.add(at, `ports[${k}].protocol`, p.protocol, 'is not TCP: an HTTP forward proxy carries TCP only',
              'use TCP ports with an egress proxy, or HostnameEnforcement.cilium() for UDP');
          }
        });
      }
    }));
    PhaseHostnames._refuseHostnames(problems, `${path}/vault.egress`, 'use EgressTarget.inCluster(…) for Vault\'s pods', fleet.vaultEgress);
    PhaseHostnames._refuseHostnames(problems, `${path}/kubernetesApi`, 'give the API server\'s endpoint addresses with EgressTarget.cidr(…)',
      fleet.kubernetesApi);
  }

  /**
   * Record a problem when `target` names hostnames where only a NetworkPolicy
   * peer works (Vault, the API server, cluster DNS).
   * @internal
   */
  public static _refuseHostnames(problems: ProblemCollector, path: string, hint: string, target?: EgressTarget): void {
    if (target?.hostnames !== undefined) {
      problems.add(path, 'hostnames', target.hostnames, 'is reached by name, which a NetworkPolicy cannot enforce', hint);
    }
  }

  private constructor() {}
}
