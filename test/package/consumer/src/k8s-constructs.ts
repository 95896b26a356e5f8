import { App, Chart } from 'cdk8s';
// The cdk8s side alone: './k8s' loads neither cdktf nor the Vault constructs.
import {
  AgentAlerts, AgentJobTemplate, AgentNamespace, LadderServiceAccounts, LauncherAccess, LauncherContractFiles,
  PhaseNetworkPolicy, TrustPhaseAdmission, VaultKubernetesEngineAccess,
} from 'cdk-agent-trust/k8s';
import { Domain } from 'cdk-agent-trust/model';
import { platformFleet } from './fleet';

// The same fleet composed from the individual constructs, as a team does when it needs their finer props.
const fleet = platformFleet();
const app = new App();
const chart = new Chart(app, 'platform-agents', { disableResourceNameHashes: true });
new AgentNamespace(chart, 'Namespace', { fleet });
new LadderServiceAccounts(chart, 'Phases', { fleet });
for (const phase of fleet.renderedPhases) {
  new PhaseNetworkPolicy(chart, `Network-${phase.name}`, { fleet, phase, apiServer: fleet.kubernetesApi });
}
for (const agent of fleet.agents) {
  new AgentJobTemplate(chart, `Job-${agent.name}`, { fleet, agent: agent.name, kubernetesApiToken: true });
}
new LauncherAccess(chart, 'Launcher', { fleet });
new VaultKubernetesEngineAccess(chart, 'VaultEngine', { fleet, domain: Domain.APPLICATION });
new TrustPhaseAdmission(chart, 'Admission', { fleet });
new AgentAlerts(chart, 'Alerts', { fleet });
app.synth();
LauncherContractFiles.write(app);
