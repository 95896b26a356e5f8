import { App, Chart } from 'cdk8s';
import {
  AgentJobTemplate, AgentNamespace, LadderServiceAccounts, LauncherAccess, PhaseNetworkPolicy,
} from '../../lib';
import { defaultFleet } from './fleet';

// `cdk8s synth` runs this file (compiled) and sets CDK8S_OUTDIR.
const app = new App();
const fleet = defaultFleet();
// No chart-level namespace: every namespaced object names its own (roles live
// in the target namespaces), and cluster-scoped objects must carry none.
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
app.synth();
