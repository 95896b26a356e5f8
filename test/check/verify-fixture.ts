import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';
import { VerifyOptions, VerifySuppression } from '../../lib/check';

export const ROOT = path.join(__dirname, '..', '..');

/** Synthesized output of one example: folders as `cdk8s synth` and `cdktf synth` write them. */
export interface SynthDirs {
  readonly root: string;
  readonly k8sDir: string;
  readonly tfDir: string;
  readonly stack: string;
}

/**
 * Run an example's compiled entrypoints (`npm test` builds first) exactly
 * as `cdk8s synth` / `cdktf synth` do: CDK8S_OUTDIR and CDKTF_OUTDIR.
 */
export function synthExample(example: string): SynthDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `verify-${example}-`));
  const k8sDir = path.join(root, 'dist');
  const tfDir = path.join(root, 'cdktf.out');
  const env = { ...process.env, CDK8S_OUTDIR: k8sDir, CDKTF_OUTDIR: tfDir };
  for (const entry of ['k8s.js', 'vault.js']) {
    const file = path.join(ROOT, 'build', 'examples', example, entry);
    if (!fs.existsSync(file)) {
      throw new Error(`${file} is missing: run \`npm run build\` (npm test does) before these tests`);
    }
    execFileSync(process.execPath, [file], { env, cwd: ROOT, stdio: 'pipe' });
  }
  const stacks = fs.readdirSync(path.join(tfDir, 'stacks'));
  return { root, k8sDir, tfDir, stack: stacks[0] };
}

/**
 * The default example with `renderAllPhases: true`: every phase of the
 * ladder has its identities, so the breakage tests can break the higher
 * phases too. Runs the compiled example modules (`npm test` builds first)
 * in a child process with the outdirs the CLIs would set.
 */
export function synthDefaultWholeLadder(): SynthDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-default-whole-ladder-'));
  const k8sDir = path.join(root, 'dist');
  const tfDir = path.join(root, 'cdktf.out');
  const b = (f: string): string => JSON.stringify(path.join(ROOT, 'build', f));
  const script = [
    `const { App } = require('cdk8s'); const tf = require('cdktf');`,
    `const { AgentFleet } = require(${b('lib/model')}); const { LauncherContractFiles } = require(${b('lib/k8s')});`,
    `const { defaultFleetProps } = require(${b('examples/default/fleet.js')}); const { defaultChart } = require(${b('examples/default/k8s.js')});`,
    `const { DefaultVaultStack } = require(${b('examples/default/vault.js')});`,
    `const fleet = new AgentFleet({ ...defaultFleetProps(), renderAllPhases: true });`,
    `const app = new App(); defaultChart(app, fleet); app.synth(); LauncherContractFiles.write(app);`,
    `const tfApp = new tf.App(); new DefaultVaultStack(tfApp, 'agent-trust-vault', fleet); tfApp.synth();`,
  ].join('\n');
  execFileSync(process.execPath, ['-e', script], { env: { ...process.env, CDK8S_OUTDIR: k8sDir, CDKTF_OUTDIR: tfDir }, cwd: ROOT, stdio: 'pipe' });
  return { root, k8sDir, tfDir, stack: fs.readdirSync(path.join(tfDir, 'stacks'))[0] };
}

/**
 * The whole-ladder fixture renders phases above its agent's ceiling on
 * purpose (`renderAllPhases`), which verify reports as the warning
 * `identities-above-ceiling`: the breakage tests accept it, as a reviewer
 * would, so each break still yields exactly its own finding.
 */
export const WHOLE_LADDER: VerifySuppression = {
  id: 'identities-above-ceiling',
  reason: 'the whole-ladder fixture renders every phase (renderAllPhases) so the breakage tests can break the higher phases',
};

/** `options` with the whole-ladder suppression added. */
export function wholeLadder(options?: VerifyOptions): VerifyOptions {
  return { ...options, suppressions: [...(options?.suppressions ?? []), WHOLE_LADDER] };
}

/** The parsed output of a synth: every Kubernetes object, the contract files and the stack's Terraform JSON. */
export interface ParsedOutput {
  manifests: any[];
  terraform: any;
  /** `contracts/<file>` → parsed contract document. */
  contracts: { [file: string]: any };
}

export function parseOutput(dirs: SynthDirs): ParsedOutput {
  const manifests = fs.readdirSync(dirs.k8sDir).filter(f => f.endsWith('.yaml')).sort()
    .flatMap(f => parseAllDocuments(fs.readFileSync(path.join(dirs.k8sDir, f), 'utf8')).map(d => d.toJS()))
    .filter(m => m);
  const terraform = JSON.parse(fs.readFileSync(path.join(dirs.tfDir, 'stacks', dirs.stack, 'cdk.tf.json'), 'utf8'));
  const contractDir = path.join(dirs.k8sDir, 'contracts');
  const contracts: { [file: string]: any } = {};
  for (const f of fs.existsSync(contractDir) ? fs.readdirSync(contractDir).sort() : []) {
    contracts[f] = JSON.parse(fs.readFileSync(path.join(contractDir, f), 'utf8'));
  }
  return { manifests, terraform, contracts };
}

/** Write (edited) output the way the tools do: one multi-document YAML and cdktf.out/stacks/<stack>/cdk.tf.json. */
export function writeOutput(out: ParsedOutput, stack: string): SynthDirs {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-case-'));
  const k8sDir = path.join(root, 'dist');
  const tfDir = path.join(root, 'cdktf.out');
  fs.mkdirSync(k8sDir, { recursive: true });
  fs.mkdirSync(path.join(tfDir, 'stacks', stack), { recursive: true });
  fs.writeFileSync(path.join(k8sDir, 'agent-trust.k8s.yaml'), out.manifests.map(m => stringify(m)).join('---\n'));
  fs.writeFileSync(path.join(tfDir, 'stacks', stack, 'cdk.tf.json'), JSON.stringify(out.terraform, null, 2));
  for (const [file, doc] of Object.entries(out.contracts ?? {})) {
    fs.mkdirSync(path.join(k8sDir, 'contracts'), { recursive: true });
    fs.writeFileSync(path.join(k8sDir, 'contracts', file), typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  }
  return { root, k8sDir, tfDir, stack };
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

/** The one Kubernetes object of `kind` named `name` (and in `namespace`, when given). */
export function obj(out: ParsedOutput, kind: string, name: string, namespace?: string): any {
  const found = out.manifests.filter(m => m.kind === kind && m.metadata?.name === name
    && (namespace === undefined || m.metadata?.namespace === namespace));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${namespace ?? '*'}/${name}, found ${found.length}`);
  }
  return found[0];
}

/** Remove the Kubernetes object(s) matching. */
export function remove(out: ParsedOutput, kind: string, name: string, namespace?: string): void {
  const before = out.manifests.length;
  out.manifests = out.manifests.filter(m => !(m.kind === kind && m.metadata?.name === name
    && (namespace === undefined || m.metadata?.namespace === namespace)));
  if (out.manifests.length === before) {
    throw new Error(`no ${kind} ${name} to remove`);
  }
}

/** The one Terraform resource of `type` whose attributes satisfy `where`, with its address. */
export function resource(out: ParsedOutput, type: string, where: (attrs: any) => boolean): { address: string; attrs: any } {
  const found = Object.entries<any>(out.terraform.resource?.[type] ?? {}).filter(([, a]) => where(a));
  if (found.length !== 1) {
    throw new Error(`expected one ${type} matching, found ${found.length}`);
  }
  return { address: `${type}.${found[0][0]}`, attrs: found[0][1] };
}

/** Edit the launcher contract inside its ConfigMap, and its contract file alike (so the two still agree). */
export function editContract(out: ParsedOutput, agent: string, edit: (doc: any) => void): void {
  const cm = obj(out, 'ConfigMap', `${agent}-launcher-contract`);
  const doc = JSON.parse(cm.data['contract.json']);
  const file = Object.keys(out.contracts ?? {}).find(f => out.contracts[f]?.agent === agent && out.contracts[f]?.namespace === doc.namespace);
  edit(doc);
  cm.data['contract.json'] = JSON.stringify(doc, null, 2);
  if (file) {
    edit(out.contracts[file]);
  }
}

/** Edit a Vault policy's JSON text. */
export function editPolicy(out: ParsedOutput, name: string, edit: (paths: any) => void): string {
  const r = resource(out, 'vault_policy', a => a.name === name);
  const doc = JSON.parse(r.attrs.policy);
  edit(doc.path);
  r.attrs.policy = JSON.stringify(doc, null, 2);
  return r.address;
}
