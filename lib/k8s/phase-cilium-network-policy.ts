import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { AgentFleet, LauncherContract, TrustNames, PhaseHostnames, TrustPhase } from '../model';
import { guardOutput, pathOf } from './private/k8s-util';
import { FleetChecks } from '../model/private/fleet-checks';
import { ProblemCollector } from '../model/private/problem-collector';

/** Properties of a `PhaseCiliumNetworkPolicy`. */
export interface PhaseCiliumNetworkPolicyProps {
  /** The fleet; its `hostnameEnforcement` must be `HostnameEnforcement.cilium()`. */
  readonly fleet: AgentFleet;
  /** The phase; must be a phase of `fleet.ladder` with at least one hostname. */
  readonly phase: TrustPhase;
}

/**
 * The hostname egress of one trust phase under Cilium: a
 * `CiliumNetworkPolicy` (cilium.io/v2) selecting the phase's pods, with
 * `toFQDNs` for exactly the phase's hostnames on their ports, and the DNS
 * rule Cilium needs to learn their addresses (queries to the cluster DNS
 * pods go through Cilium's DNS proxy, `matchPattern: "*"`). It only adds
 * allows: the phase's NetworkPolicy and the namespace default-deny stay.
 * `PhaseNetworkPolicy` creates it as its child `Fqdn`.
 *
 * Written against Cilium's CRD `ciliumnetworkpolicies.cilium.io` v2
 * (toFQDNs `matchName`/`matchPattern`, toPorts `rules.dns`); `*.` in a
 * pattern stands for exactly one label.
 * @see https://docs.cilium.io/en/stable/security/policy/language/#dns-based
 */
export class PhaseCiliumNetworkPolicy extends Construct {
  /** Cilium's API version of the policy. */
  public static readonly API_VERSION = 'cilium.io/v2';
  /** The kind. */
  public static readonly KIND = 'CiliumNetworkPolicy';

  /**
   * The policy of `phase` as a child `Fqdn` of `scope`, when the fleet
   * enforces hostnames with Cilium and the phase has hostnames; else undefined.
   */
  public static forPhase(scope: Construct, fleet: AgentFleet, phase: TrustPhase): PhaseCiliumNetworkPolicy | undefined {
    const cilium = fleet.hostnameEnforcement !== undefined && !fleet.hostnameEnforcement.isProxy;
    return cilium && PhaseHostnames.of(fleet, phase).length > 0 ? new PhaseCiliumNetworkPolicy(scope, 'Fqdn', { fleet, phase }) : undefined;
  }

  /** Name of the policy of a phase: `agent-phase-<phase>-fqdn`. */
  public static policyName(phase: string): string {
    return `${TrustNames.serviceAccount(phase)}-fqdn`;
  }

  /** The CiliumNetworkPolicy. */
  public readonly resource: ApiObject;

  public constructor(scope: Construct, id: string, props: PhaseCiliumNetworkPolicyProps) {
    super(scope, id);
    guardOutput(this);
    const problems = new ProblemCollector();
    const dns = props.fleet.hostnameEnforcement?.ciliumDns;
    if (!dns) {
      problems.add(pathOf(this), 'fleet.hostnameEnforcement', props.fleet.hostnameEnforcement?.kind, 'is not Cilium',
        'set hostnameEnforcement: HostnameEnforcement.cilium() on the fleet');
    }
    FleetChecks.isPhaseOf(problems, pathOf(this), props.fleet, props.phase);
    const { fleet, phase } = props;
    const path = pathOf(this);
    problems.throwIfAny(path);
    const grants = PhaseHostnames.of(fleet, phase);
    if (grants.length === 0) {
      problems.add(path, 'phase', phase.name, 'reaches no hostname, so a toFQDNs policy would allow nothing',
        'give a domain of the phase EgressTarget.hosts(…), or leave this policy out');
      problems.throwIfAny(path);
    }
    // One toFQDNs rule per distinct port set: a name is allowed only on its own ports.
    const portsOf = new Map<string, string[]>();
    for (const g of grants) {
      portsOf.set(g.hostname, [...(portsOf.get(g.hostname) ?? []), `${g.port}/${g.protocol}`]);
    }
    const byPorts = new Map<string, string[]>();
    for (const [hostname, ports] of portsOf) {
      const key = [...new Set(ports)].sort().join(',');
      byPorts.set(key, [...(byPorts.get(key) ?? []), hostname]);
    }
    const fqdnRules = [...byPorts.entries()].map(([key, hostnames]) => ({
      toFQDNs: hostnames.map(h => (PhaseHostnames.isWildcard(h) ? { matchPattern: h } : { matchName: h })),
      toPorts: [{ ports: key.split(',').map(p => ({ port: p.split('/')[0], protocol: p.split('/')[1] })) }],
    }));
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: PhaseCiliumNetworkPolicy.API_VERSION,
      kind: PhaseCiliumNetworkPolicy.KIND,
      metadata: {
        name: PhaseCiliumNetworkPolicy.policyName(phase.name),
        namespace: fleet.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', [LauncherContract.PHASE_LABEL]: phase.name },
      },
      spec: {
        description: `Hostnames of trust phase ${phase.name}; the NetworkPolicy ${fleet.bindingOf(phase).serviceAccount} allows the rest.`,
        endpointSelector: { matchLabels: { [LauncherContract.PHASE_LABEL]: phase.name } },
        egress: [
          {
            toEndpoints: [{
              matchLabels: { 'k8s:io.kubernetes.pod.namespace': dns!.dnsNamespace!, ...prefixed(dns!.dnsPodLabels ?? {}) },
            }],
            toPorts: [{
              ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }],
              // Every query is seen by Cilium's DNS proxy (that is how toFQDNs learns addresses); names are not filtered here.
              rules: { dns: [{ matchPattern: '*' }] },
            }],
          },
          ...fqdnRules,
        ],
      },
    });
  }
}

/** Pod labels as Cilium endpoint labels of the Kubernetes source (`k8s:` prefix). */
function prefixed(labels: { [key: string]: string }): { [key: string]: string } {
  return Object.fromEntries(Object.entries(labels).map(([k, v]) => [`k8s:${k}`, v]));
}
