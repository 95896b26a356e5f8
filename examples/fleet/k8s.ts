import { App, Chart } from 'cdk8s';
import { AgentKubernetesTrust, LauncherContractFiles } from '../../lib';
import { fleetOfThree } from './fleet';

/** The Kubernetes half: everything for the fleet, plus the alerts. */
export function fleetChart(app: App): Chart {
  const chart = new Chart(app, 'agent-trust-fleet', { disableResourceNameHashes: true });
  new AgentKubernetesTrust(chart, 'Fleet', {
    fleet: fleetOfThree(), alerts: true, otlpEndpoint: 'http://otel-collector.observability.svc:4318',
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  fleetChart(app);
  app.synth();
  // Also as files, for launchers that read files: <outdir>/contracts/<namespace>.<agent>.contract.json
  LauncherContractFiles.write(app);
}
