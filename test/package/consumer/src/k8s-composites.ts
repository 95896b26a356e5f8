import { App, Chart } from 'cdk8s';
import { AgentKubernetesTrust, LauncherContractFiles } from 'cdk-agent-trust';
import { platformFleet } from './fleet';

// The composite: every Kubernetes object of the fleet from one construct.
const app = new App();
const chart = new Chart(app, 'platform-agents', { disableResourceNameHashes: true });
new AgentKubernetesTrust(chart, 'Trust', { fleet: platformFleet(), alerts: true });
app.synth();
LauncherContractFiles.write(app);
