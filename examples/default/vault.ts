import { VaultProvider } from '@cdktf/provider-vault/lib/provider';
import { App, TerraformStack } from 'cdktf';
import { defaultFleet } from './fleet';

// `cdktf synth` runs this file (compiled); the stack is written to
// cdktf.out/stacks/agent-trust-vault/cdk.tf.json.
const app = new App();
const fleet = defaultFleet();
const stack = new TerraformStack(app, 'agent-trust-vault');
new VaultProvider(stack, 'vault', { address: fleet.vaultAddress });
app.synth();
