import { App, Chart } from 'cdk8s';
import { defaultFleet } from './fleet';

// `cdk8s synth` runs this file (compiled) and sets CDK8S_OUTDIR.
const app = new App();
const fleet = defaultFleet();
new Chart(app, 'agent-trust', { namespace: fleet.namespace, disableResourceNameHashes: true });
app.synth();
