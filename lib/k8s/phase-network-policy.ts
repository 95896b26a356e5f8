import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import {
  AgentFleet, EgressTarget, LauncherContract, EgressProtocol, PhaseHostnames, TrustPhase,
} from '../model';
import { PhaseCiliumNetworkPolicy } from './phase-cilium-network-policy';
import { guardOutput, pathOf } from './private/k8s-util';
import { FleetChecks } from '../model/private/fleet-checks';
import { ProblemCollector } from '../model/private/problem-collector';

/** Properties of a `PhaseNetworkPolicy`. */
export interface PhaseNetworkPolicyProps {
  /** The fleet: agent namespace, Vault egress and the domains' endpoints. */
  readonly fleet: AgentFleet;
  /** The phase; must be a phase of `fleet.ladder`. */
  readonly phase: TrustPhase;
  /**
   * Where cluster DNS runs.
   * @default - pods `k8s-app=kube-dns` in namespace `kube-system`, port 53 UDP and TCP
   */
  readonly dns?: EgressTarget;
  /**
   * The Kubernetes API server, for agents that read the cluster with their
   * phase's RBAC. Give the API server's endpoint addresses (CIDR and port,
   * e.g. `EgressTarget.cidr('10.0.0.10/32', [{ port: 6443 }])`): most CNIs
   * evaluate policies after the `kubernetes` Service is translated to its
   * endpoints, so the Service IP alone is not enough.
   * @default - the fleet's `kubernetesApi`; with neither, the API server is reachable only if a domain of the phase lists it
   */
  readonly apiServer?: EgressTarget;
}

/**
 * The network of one trust phase: selects the agent pods labelled
 * `trust-phase=<phase>` in the agent namespace, denies all ingress, and
 * allows egress only to cluster DNS, Vault, and the endpoints of the domains
 * the phase may use (`fleet.bindingOf(phase).egress`). Every CIDR that contains the
 * link-local range keeps `169.254.0.0/16` (cloud metadata) in `except`, and
 * every CIDR wider than `100.64.0.0/10` keeps the shared address space out.
 *
 * NetworkPolicies add up: together with `AgentNamespace`'s default-deny
 * policy, an agent pod reaches exactly what its phase allows. Core
 * NetworkPolicy cannot match host names: hostname targets
 * (`EgressTarget.hosts`) become a rule to the fleet's egress proxy on the
 * phase's own port, or, under `HostnameEnforcement.cilium()`, a child
 * `CiliumNetworkPolicy` (`fqdnPolicy`) with `toFQDNs`.
 */
export class PhaseNetworkPolicy extends Construct {
  /** The default DNS target: kube-dns in kube-system on 53/UDP and 53/TCP. */
  public static defaultDns(): EgressTarget {
    return EgressTarget.inCluster('kube-system', { 'k8s-app': 'kube-dns' },
      [{ port: 53, protocol: EgressProtocol.UDP }, { port: 53, protocol: EgressProtocol.TCP }]);
  }

  /** The NetworkPolicy. */
  public readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;
  /** The phase. */
  public readonly phase: TrustPhase;
  /** Every egress target allowed: DNS, the API server when given, Vault, then the domain endpoints (and the egress proxy). */
  public readonly egressTargets: EgressTarget[];
  /** The phase's CiliumNetworkPolicy for its hostnames, when the fleet enforces hostnames with Cilium. */
  public readonly fqdnPolicy?: PhaseCiliumNetworkPolicy;

  public constructor(scope: Construct, id: string, props: PhaseNetworkPolicyProps) {
    super(scope, id);
    guardOutput(this);
    const { fleet, phase } = props;
    const path = pathOf(this);
    FleetChecks.requirePhaseOf(path, fleet, phase);
    const problems = new ProblemCollector();
    const dns = props.dns ?? PhaseNetworkPolicy.defaultDns();
    dns._validate(problems, path + '/dns');
    // The phase's API access is the default, so hand-composed constructs render what the composite does.
    const apiServer = props.apiServer ?? fleet.bindingOf(phase).kubernetesApi;
    apiServer?._validate(problems, path + '/apiServer');
    PhaseHostnames._refuseHostnames(problems, path + '/dns', 'use PhaseNetworkPolicy.defaultDns() or EgressTarget.nodeLocalDns()', dns);
    PhaseHostnames._refuseHostnames(problems, path + '/apiServer', 'give the API server\'s endpoint addresses with EgressTarget.cidr(…)', apiServer);
    problems.throwIfAny(path);

    this.phase = phase;
    // Hostnames are not NetworkPolicy peers: the proxy on the phase's port, or a CiliumNetworkPolicy (below), stands in.
    this.egressTargets = [dns, ...(apiServer ? [apiServer] : []), ...PhaseHostnames.networkTargets(fleet, phase)];
    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: {
        // Named after the phase's ServiceAccount: one name per phase on the Kubernetes side.
        name: fleet.bindingOf(phase).serviceAccount,
        namespace: fleet.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', [LauncherContract.PHASE_LABEL]: phase.name },
      },
      spec: {
        podSelector: { matchLabels: { [LauncherContract.PHASE_LABEL]: phase.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: this.egressTargets.map(t => PhaseNetworkPolicy.toEgressRule(t)),
      },
    });
    this.fqdnPolicy = PhaseCiliumNetworkPolicy.forPhase(this, fleet, phase);
  }

  private static toEgressRule(target: EgressTarget): kplus.k8s.NetworkPolicyEgressRule {
    const ports = target.ports.map(p => ({
      // L1 IntOrString props drop raw numbers: wrap explicitly.
      port: kplus.k8s.IntOrString.fromNumber(p.port),
      protocol: p.protocol ?? EgressProtocol.TCP,
    }));
    if (target.ipBlock !== undefined) {
      const except = target.except;
      return { to: [{ ipBlock: { cidr: target.ipBlock, except: except.length ? except : undefined } }], ports };
    }
    return {
      to: [{
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': target.namespace! } },
        podSelector: { matchLabels: { ...(target.podLabels ?? {}) } },
      }],
      ports,
    };
  }
}
