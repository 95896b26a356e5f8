import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { LauncherContract } from '../model';
import { AgentJobTemplate } from './agent-job-template';
import { isHelmTemplates } from './private/k8s-util';

/**
 * Writes each agent's launcher contract as a JSON file next to the
 * manifests, for launchers and pipelines that read files rather than the
 * ConfigMap. Files go to a `contracts/` subfolder of the synth output, so
 * `kubectl apply -f dist/` (not recursive) never sees them; in a Helm
 * chart, to `contracts/` beside `templates/`. `agent-trust verify`
 * compares each file with its ConfigMap.
 *
 * Call it after `app.synth()` (`cdk8s synth` empties the output folder
 * before it runs the app).
 */
export class LauncherContractFiles {
  /** Name of the subfolder of the synth output that holds the contract files. */
  public static readonly DIRECTORY = LauncherContract.FILES_DIRECTORY;

  /** File name of an agent's contract: `<namespace>.<agent>.contract.json`. */
  public static fileName(namespace: string, agent: string): string {
    return `${namespace}.${agent}.contract.json`;
  }

  /**
   * Folder the contract files of `app` go to: `<app.outdir>/contracts/`, or,
   * when the app synthesizes into a Helm chart's `templates/` folder
   * (`cdk8s synth --format helm`), `<chart>/contracts/` beside it: Helm
   * renders every file under `templates/` as a manifest template.
   */
  public static directoryOf(app: App): string {
    return isHelmTemplates(app)
      ? path.join(app.outdir, '..', LauncherContractFiles.DIRECTORY)
      : path.join(app.outdir, LauncherContractFiles.DIRECTORY);
  }

  /**
   * Write the contract of every `AgentJobTemplate` in `app` to
   * `LauncherContractFiles.directoryOf(app)`; returns the paths written, sorted.
   */
  public static write(app: App): string[] {
    const templates = app.node.findAll().filter((c): c is AgentJobTemplate => c instanceof AgentJobTemplate);
    const dir = LauncherContractFiles.directoryOf(app);
    const written: string[] = [];
    for (const template of templates) {
      const contract = template.contract;
      const file = path.join(dir, LauncherContractFiles.fileName(contract.namespace, contract.agent));
      if (written.includes(file)) {
        throw new Error(`${template.node.path}: a contract for agent "${contract.agent}" in namespace "${contract.namespace}" `
          + 'was already written by another AgentJobTemplate. Fix: declare each agent once per namespace');
      }
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, `${JSON.stringify(contract, null, 2)}\n`);
      written.push(file);
    }
    return written.sort();
  }
}
