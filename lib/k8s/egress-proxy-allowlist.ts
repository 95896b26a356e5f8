import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { AgentFleet, SquidAllowlist } from '../model';
import { guardOutput, pathOf } from './private/k8s-util';
import { ProblemCollector } from '../model/private/problem-collector';

/** Properties of an `EgressProxyAllowlist`. */
export interface EgressProxyAllowlistProps {
  /** The fleet; its `hostnameEnforcement` must be `HostnameEnforcement.egressProxy(…)`. */
  readonly fleet: AgentFleet;
}

/**
 * The egress proxy's per-phase hostname allowlist, as a ConfigMap in the
 * proxy's namespace (named `<agent namespace>-egress-allowlist`) for the
 * proxy pods to mount:
 *
 * - `squid.conf`: a complete Squid configuration (`SquidAllowlist`): one
 *   `http_port` per phase (`port + rank`), the phase's hostnames per port,
 *   `http_access deny all` for everything else, no caching. Run Squid with
 *   `-f /etc/squid/agent-trust/squid.conf` (or include it).
 * - `<phase>.hosts`: the same grants as plain text, one
 *   `hostname:port/PROTOCOL` per line, for another proxy or a reviewer.
 *
 * The phases' NetworkPolicies let each phase reach only its own proxy port,
 * so a lower phase cannot use a higher phase's allowlist.
 */
export class EgressProxyAllowlist extends Construct {
  /** ConfigMap name for a fleet in `agentNamespace`. */
  public static configMapName(agentNamespace: string): string {
    return `${agentNamespace}-egress-allowlist`;
  }

  /** The ConfigMap. */
  public readonly resource: kplus.k8s.KubeConfigMap;

  public constructor(scope: Construct, id: string, props: EgressProxyAllowlistProps) {
    super(scope, id);
    guardOutput(this);
    const { fleet } = props;
    const proxy = fleet.hostnameEnforcement?.proxy;
    if (!proxy) {
      const problems = new ProblemCollector();
      problems.add(pathOf(this), 'fleet.hostnameEnforcement', fleet.hostnameEnforcement?.kind, 'is not an egress proxy',
        'set hostnameEnforcement: HostnameEnforcement.egressProxy({ namespace, serviceName, podLabels }) on the fleet, or leave this construct out');
      problems.throwIfAny(pathOf(this));
    }
    this.resource = new kplus.k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: EgressProxyAllowlist.configMapName(fleet.namespace),
        namespace: proxy!.namespace,
        labels: { 'app.kubernetes.io/managed-by': 'cdk-agent-trust', 'agent-trust.io/agent-namespace': fleet.namespace },
      },
      data: { [SquidAllowlist.CONFIG_KEY]: SquidAllowlist.render(fleet), ...SquidAllowlist.hostLists(fleet) },
    });
  }
}
