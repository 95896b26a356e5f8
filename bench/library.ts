/**
 * The library side of the benchmark: the same composition as the default
 * example (examples/default/k8s.ts and vault.ts), for a generated fleet.
 */
import { App, Chart } from 'cdk8s';
import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App as TfApp, TerraformStack, TerraformVariable, Testing } from 'cdktf';
import { Construct } from 'constructs';
import { defaultFleetProps } from '../examples/default/fleet';
import { defaultChart } from '../examples/default/k8s';
import { DefaultVaultStack } from '../examples/default/vault';
import {
  AccessLevel, AgentCluster, AgentFleet, AgentJobTemplate, AgentVaultTrust, EngineConfig, AgentNamespace, Domain, EgressTarget, LadderServiceAccounts, LauncherAccess,
  PhaseNetworkPolicy, TrustPhase, TrustPhaseAdmission, AdmissionGuard,
} from '../lib';
import { EgressParams, FleetParams } from './fleet-params';

function egress(e: EgressParams): EgressTarget {
  const ports = e.ports.map(port => ({ port }));
  return e.cidr !== undefined
    ? EgressTarget.cidr(e.cidr, ports, e.except)
    : EgressTarget.inCluster(e.namespace!, e.podLabels ?? {}, ports);
}

/** The `AgentFleet` of the parameters (validated, as every user's is). */
export function libraryFleet(p: FleetParams): AgentFleet {
  return new AgentFleet({
    namespace: p.namespace,
    targetNamespaces: p.targetNamespaces,
    agents: p.agents.map(a => ({ name: a.name, image: a.image, ceiling: TrustPhase.of(a.ceiling) })),
    domains: p.domains.map(d => ({ domain: Domain.of(d.name), egress: d.egress.map(egress) })),
    // As the default example: per-investigation identity through JWT auth.
    vault: { address: 'https://vault.vault.svc:8200', investigationIdentityMountPath: 'jwt-agents' },
    clusters: p.clusters?.map(c => new AgentCluster(c)),
    // The hand-written baseline renders every phase of the ladder: measure the same shape.
    renderAllPhases: true,
  });
}

/** Kubernetes half: the chart of examples/default/k8s.ts, synthesized with `chart.toJson()`. */
export function libraryK8s(p: FleetParams): any[] {
  return fleetChart(libraryFleet(p));
}

/**
 * Kubernetes half of a fleet with clusters: one App per cluster, as
 * examples/multi-cluster/k8s.ts writes them, each the chart of `libraryK8s`
 * for that cluster's view of the fleet (`fleet.clusterFleets`).
 */
export function libraryClustersK8s(p: FleetParams): any[][] {
  return libraryFleet(p).clusterFleets.map(fleetChart);
}

function fleetChart(fleet: AgentFleet): any[] {
  const app = new App();
  const chart = new Chart(app, 'agent-trust', { disableResourceNameHashes: true });
  new AgentNamespace(chart, 'Namespace', { fleet });
  new LadderServiceAccounts(chart, 'Phases', { fleet });
  for (const phase of fleet.ladder.phases) {
    new PhaseNetworkPolicy(chart, `Network-${phase.name}`, { fleet, phase });
  }
  for (const agent of fleet.agents) {
    new AgentJobTemplate(chart, `Job-${agent.name}`, { fleet, agent: agent.name });
  }
  new LauncherAccess(chart, 'Launcher', { fleet });
  // The hand-written baseline types the Job policy only; the identity guards
  // (issue #10) are off here, with that reason, so both sides emit the same objects.
  const reason = 'bench: the hand-written baseline covers the Job policy only';
  new TrustPhaseAdmission(chart, 'Admission', {
    fleet, disabledGuards: AdmissionGuard.all().map(guard => ({ guard, reason })),
  });
  return chart.toJson();
}

/** Vault half: examples/default/vault.ts's stack, synthesized with `Testing.synth` (sorted JSON, metadata stripped). */
export function libraryVault(p: FleetParams, outdir?: string): any {
  const app: TfApp = Testing.app(outdir ? { outdir } : {});
  const fleet = libraryFleet(p);
  // The stack is built right here, as the baseline builds its own: cdktf records the whole call stack
  // of every token, so a helper frame on one side only would be charged to that side.
  const stack = fleet.clusters.length > 0
    ? new ClustersVaultStack(app, 'agent-trust-vault', fleet)
    : new DefaultVaultStack(app, 'agent-trust-vault', fleet);
  return JSON.parse(Testing.synth(stack));
}

/** examples/default/vault.ts's stack, or with declared clusters its per-cluster variant. */
export function vaultStack(app: Construct, fleet: AgentFleet): TerraformStack {
  return fleet.clusters.length > 0
    ? new ClustersVaultStack(app, 'agent-trust-vault', fleet)
    : new DefaultVaultStack(app, 'agent-trust-vault', fleet);
}

/**
 * examples/default/vault.ts's stack for a fleet that declares its clusters:
 * the same engines, and instead of the one in-cluster `kubernetesHost` and
 * issuer, each cluster's API server, CA and issuer (from the fleet), one
 * Kubernetes and one JWT auth mount per cluster.
 */
export class ClustersVaultStack extends TerraformStack {
  public constructor(scope: Construct, id: string, fleet: AgentFleet) {
    super(scope, id);
    new VaultProvider(this, 'vault', { address: fleet.vaultAddress });
    const databasePassword = new TerraformVariable(this, 'database_password', {
      type: 'string',
      sensitive: true,
      description: 'Password of vault_admin on postgres.payments.svc (sent write-only; not stored in state)',
    });
    new AgentVaultTrust(this, 'AgentTrust', {
      fleet,
      engines: [
        { domain: Domain.NETWORK, config: EngineConfig.sshCertificates() },
        {
          domain: Domain.DATABASE,
          config: EngineConfig.postgresql({
            connectionUrl: 'postgresql://{{username}}:{{password}}@postgres.payments.svc:5432/payments?sslmode=verify-full',
            username: 'vault_admin',
            password: databasePassword,
            schemas: ['payments'],
            verifyConnection: false,
          }),
        },
        { domain: Domain.APPLICATION, config: EngineConfig.kubernetes({ kubernetesHost: 'https://kubernetes.default.svc' }) },
        { domain: Domain.LLM, config: EngineConfig.kvV2() },
        {
          domain: Domain.CLOUD,
          config: EngineConfig.awsSts({
            region: 'eu-west-1',
            roles: [
              { level: AccessLevel.READ_ONLY, roleArn: 'arn:aws:iam::123456789012:role/agent-read-only' },
              { level: AccessLevel.LIMITED_WRITE, roleArn: 'arn:aws:iam::123456789012:role/agent-limited-write' },
              { level: AccessLevel.AUTONOMOUS, roleArn: 'arn:aws:iam::123456789012:role/agent-autonomous' },
            ],
          }),
        },
      ],
    });
  }
}

/**
 * The default example's fleet (API server endpoint, hostname egress through
 * the egress proxy, JWT identity) with the namespaces and agents of `p`:
 * what users get, which the baseline does not type (guards, proxy allowlist,
 * Vault engine Roles, alerts, dashboard).
 */
export function defaultShapeFleet(p: FleetParams): AgentFleet {
  return new AgentFleet({
    ...defaultFleetProps(),
    namespace: p.namespace,
    targetNamespaces: p.targetNamespaces,
    agents: p.agents.map(a => ({ name: a.name, image: a.image, ceiling: TrustPhase.of(a.ceiling) })),
    clusters: p.clusters?.map(c => new AgentCluster(c)),
  });
}

/** Kubernetes half of the default shape: examples/default/k8s.ts's `defaultChart`, synthesized with `chart.toJson()`. */
export function defaultShapeK8s(p: FleetParams): any[] {
  return defaultChart(new App(), defaultShapeFleet(p)).toJson();
}

/** Vault half of the default shape, synthesized with `Testing.synth`. */
export function defaultShapeVault(p: FleetParams, outdir?: string): any {
  const app: TfApp = Testing.app(outdir ? { outdir } : {});
  return JSON.parse(Testing.synth(vaultStack(app, defaultShapeFleet(p))));
}
