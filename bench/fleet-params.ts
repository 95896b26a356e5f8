/**
 * Plain fleet parameters for the benchmark: the only input both sides share.
 * The library turns them into an `AgentFleet`; the hand-written baseline
 * reads them directly. Nothing here imports lib/.
 */

/** One egress endpoint: an IP block or pods in another namespace. */
export interface EgressParams {
  readonly cidr?: string;
  readonly except?: string[];
  readonly namespace?: string;
  readonly podLabels?: { [key: string]: string };
  readonly ports: number[];
}

/** One domain of the fleet (the five standard ones, in the default example's order). */
export interface DomainParams {
  readonly name: string;
  readonly egress: EgressParams[];
}

/** One agent. */
export interface AgentParams {
  readonly name: string;
  readonly image: string;
  /** Ceiling phase name. */
  readonly ceiling: string;
}

/** One declared cluster (its Vault auth mounts trust its CA and issuer). */
export interface ClusterParams {
  readonly name: string;
  readonly apiServerUrl: string;
  readonly caCertificate: string;
  readonly issuerUrl: string;
}

/** The whole fleet as plain data. */
export interface FleetParams {
  readonly namespace: string;
  readonly targetNamespaces: string[];
  readonly agents: AgentParams[];
  readonly domains: DomainParams[];
  /** Declared clusters, each with the fleet's target namespaces; none = the one implicit cluster. */
  readonly clusters?: ClusterParams[];
}

/** The default example's domains and endpoints (examples/default/fleet.ts). */
export function defaultDomains(): DomainParams[] {
  return [
    { name: 'network', egress: [{ cidr: '10.40.0.0/24', ports: [22] }] },
    { name: 'database', egress: [{ cidr: '10.30.0.0/16', ports: [5432] }] },
    { name: 'application', egress: [{ cidr: '10.0.0.1/32', ports: [443] }] },
    { name: 'llm', egress: [{ namespace: 'egress-proxy', podLabels: { 'app.kubernetes.io/name': 'llm-proxy' }, ports: [3128] }] },
    { name: 'cloud', egress: [{ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'], ports: [443] }] },
  ];
}

/**
 * A fleet of `targets` target namespaces (`team-0001`, …) and `agents`
 * agents (`agent-001`, …), all with ceiling read-only, on the standard
 * ladder with the default example's five domains.
 */
export function fleetParams(targets: number, agents: number): FleetParams {
  const pad = (i: number, w: number): string => String(i).padStart(w, '0');
  return {
    namespace: 'agents',
    targetNamespaces: Array.from({ length: targets }, (_, i) => `team-${pad(i + 1, 4)}`),
    agents: Array.from({ length: agents }, (_, i) => ({
      name: `agent-${pad(i + 1, 3)}`,
      image: `registry.example.com/agents/agent-${pad(i + 1, 3)}:1.4.2`,
      ceiling: 'read-only',
    })),
    domains: defaultDomains(),
  };
}

/**
 * `fleetParams(targets, agents)` declared in `clusters` clusters
 * (`c-01`, …), each with the fleet's `targets` target namespaces, its own
 * API server, CA and token issuer.
 */
export function clusterFleetParams(clusters: number, targets: number, agents: number): FleetParams {
  return {
    ...fleetParams(targets, agents),
    clusters: Array.from({ length: clusters }, (_, i) => {
      const name = `c-${String(i + 1).padStart(2, '0')}`;
      return {
        name,
        apiServerUrl: `https://api.${name}.k8s.example.com:6443`,
        caCertificate: `-----BEGIN CERTIFICATE-----\nMIIBbench${name.replace(/-/g, '')}ca\n-----END CERTIFICATE-----\n`,
        issuerUrl: `https://oidc.${name}.k8s.example.com`,
      };
    }),
  };
}
