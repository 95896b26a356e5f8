// cdktf's jest matchers (toHaveResourceWithProperties, …).
import { Testing } from 'cdktf';

Testing.setupJest();

// Property tests are reproducible: CI uses a fixed seed (a red CI blocks a
// landing, so no run may depend on luck). Explore other seeds locally with
// FC_SEED=<n> npm test; a failure prints its seed and counterexample.
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261125) });
