import { App, Chart } from 'cdk8s';
import { AdmissionApiVersion, AgentKubernetesTrust, LauncherContractFiles } from '../../lib';
import { customLadderFleet } from './fleet';

/** The Kubernetes half, for a 1.29 cluster (admission policy v1beta1). */
export function customLadderChart(app: App): Chart {
  const chart = new Chart(app, 'agent-trust-ledger', { disableResourceNameHashes: true });
  new AgentKubernetesTrust(chart, 'Ledger', { fleet: customLadderFleet(), admissionApiVersion: AdmissionApiVersion.V1BETA1 });
  return chart;
}

if (require.main === module) {
  const app = new App();
  customLadderChart(app);
  app.synth();
  // Also as files, for launchers that read files: <outdir>/contracts/<namespace>.<agent>.contract.json
  LauncherContractFiles.write(app);
}
