import { App, Chart } from 'cdk8s';
import { AgentAlerts, AgentDashboard } from '../../lib/k8s';
import {
  AgentJobTemplate, AgentNamespace, EgressProxyAllowlist, LadderServiceAccounts, LauncherAccess, PhaseNetworkPolicy, TrustPhaseAdmission,
  LauncherContractFiles, VaultKubernetesEngineAccess,
} from '../../lib/k8s';
import { AgentFleet } from '../../lib/model';
import { defaultFleet } from './fleet';

/** Every Kubernetes object of the default fleet (or of `fleet`: the benchmark's generated fleets), in one chart. */
export function defaultChart(app: App, fleet: AgentFleet = defaultFleet()): Chart {
  // No chart-level namespace: every namespaced object names its own (Roles
  // live in the target namespaces), and cluster-scoped objects carry none.
  const chart = new Chart(app, 'agent-trust', { disableResourceNameHashes: true });
  new AgentNamespace(chart, 'Namespace', { fleet });
  new LadderServiceAccounts(chart, 'Phases', { fleet });
  for (const phase of fleet.renderedPhases) {
    new PhaseNetworkPolicy(chart, `Network-${phase.name}`, { fleet, phase, apiServer: fleet.kubernetesApi });
  }
  // The egress proxy's per-phase hostname allowlist (a Squid configuration), in the proxy's namespace.
  new EgressProxyAllowlist(chart, 'EgressProxy', { fleet });
  // A short-lived API token lets the agent use its phase's RBAC.
  const jobTemplates = fleet.agents.map(agent =>
    new AgentJobTemplate(chart, `Job-${agent.name}`, { fleet, agent: agent.name, kubernetesApiToken: fleet.kubernetesApi !== undefined }));
  const launcher = new LauncherAccess(chart, 'Launcher', { fleet });
  // What Vault's Kubernetes secrets engine needs to mint the application domain's tokens.
  new VaultKubernetesEngineAccess(chart, 'VaultEngine', { fleet });
  // Admits a Job only from the launcher, matching its phase and the agent's ceiling;
  // a Pod only from the Job controller, shaped like the template; phase tokens only
  // for investigation Pods; no exec/attach/port-forward into them.
  const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet, launcher, jobTemplates });
  // Alerts and recording rules (PrometheusRule), and a Grafana dashboard the sidecar picks up (label grafana_dashboard: "1").
  new AgentAlerts(chart, 'Alerts', { fleet, admission });
  new AgentDashboard(chart, 'Dashboard', { fleet, admission, vaultTelemetry: true });
  return chart;
}

/**
 * The app as `cdk8s synth` runs it: one App (outdir from CDK8S_OUTDIR, as the
 * CLI sets it), the chart, then the contracts as files. `npm run synth` calls
 * this in-process (scripts/synth.js); the CLI runs this file.
 */
export function synth(): void {
  const app = new App();
  defaultChart(app);
  app.synth();
  // Also as files, for launchers that read files: <outdir>/contracts/<namespace>.<agent>.contract.json
  LauncherContractFiles.write(app);
}

// `cdk8s synth` runs this file (compiled) and sets CDK8S_OUTDIR; tests import `defaultChart`.
if (require.main === module) {
  synth();
}
