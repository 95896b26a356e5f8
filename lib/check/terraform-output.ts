import * as fs from 'fs';
import * as path from 'path';
import { ProblemCollector } from '../model/private/problem-collector';

/** One resource (or data source) of synthesized Terraform JSON. */
export interface TerraformResource {
  /** Resource type, e.g. `vault_kubernetes_auth_backend_role`. */
  readonly type: string;
  /** Logical name inside the type, e.g. `AgentTrust_Auth_shadow_143F70A4`. */
  readonly name: string;
  /** Terraform address: `type.name` (`data.type.name` for data sources). */
  readonly address: string;
  /** The stack the resource was read from (the stack folder name, or the file name). */
  readonly stack: string;
  /** The resource's attributes as written in the JSON (snake_case keys; `//` metadata removed). */
  readonly attributes: any;
}

/** One `variable` block of synthesized Terraform JSON. */
export interface TerraformVariableInfo {
  /** Variable name (`var.<name>`). */
  readonly name: string;
  /** The stack it was read from. */
  readonly stack: string;
  /** Whether it is declared `sensitive: true`. */
  readonly sensitive: boolean;
  /** Whether it declares a `default` value. */
  readonly hasDefault: boolean;
}

const REFERENCE = /^\$\{([^${}]+)\}$/;

/**
 * Reads the Terraform JSON cdktf synthesizes (ours or hand-edited) without
 * cdktf itself: the `cdktf.out` root (every `stacks/<stack>/cdk.tf.json`),
 * one stack folder, or one `cdk.tf.json` file. Resources are exposed with
 * their snake_case attributes and their Terraform address, and simple
 * references (`${vault_auth_backend.x.path}`) can be resolved to the
 * literal they point at.
 */
export class TerraformOutput {
  /** The file name cdktf writes per stack. */
  public static readonly STACK_FILE = 'cdk.tf.json';

  /**
   * Read a `cdktf.out` folder, a stack folder or a `cdk.tf.json` file.
   * Throws an `AgentTrustValidationError` (see `AgentTrustErrors`) naming the
   * path when nothing can be read or a file is not JSON.
   */
  public static fromPath(fileOrDir: string): TerraformOutput {
    const problems = new ProblemCollector();
    const files = TerraformOutput.stackFiles(fileOrDir, problems);
    problems.throwIfAny(fileOrDir);
    const stacks: Array<{ stack: string; json: any }> = [];
    for (const file of files) {
      try {
        const json = JSON.parse(fs.readFileSync(file, 'utf8'));
        if (json === null || typeof json !== 'object' || Array.isArray(json)) {
          problems.add(file, '(document)', Array.isArray(json) ? 'an array' : json, 'is not a Terraform JSON document (an object with resource, variable, …)',
            'pass the output of `cdktf synth` (cdktf.out), or fix the hand-edited file');
          continue;
        }
        const folder = path.basename(path.dirname(file));
        stacks.push({ stack: path.basename(file) === TerraformOutput.STACK_FILE ? folder : path.basename(file), json });
      } catch (e) {
        problems.add(file, 'file', path.basename(file), `cannot be read as JSON (${String((e as Error).message).split('\n')[0]})`,
          'pass the output of `cdktf synth` (cdktf.out), or fix the hand-edited file');
      }
    }
    problems.throwIfAny(fileOrDir);
    return new TerraformOutput(stacks, fileOrDir);
  }

  /** Terraform JSON already parsed, as one stack named `stack`. */
  public static fromJson(json: any, stack?: string): TerraformOutput {
    return new TerraformOutput([{ stack: stack ?? 'stack', json }], stack ?? 'Terraform JSON');
  }

  private static stackFiles(fileOrDir: string, problems: ProblemCollector): string[] {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(fileOrDir);
    } catch (e) {
      problems.add(fileOrDir, 'terraform-dir', fileOrDir, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'pass the cdktf output folder (cdktf.out after `npm run synth`), a stack folder or a cdk.tf.json file');
      return [];
    }
    if (stat.isFile()) {
      return [fileOrDir];
    }
    const own = path.join(fileOrDir, TerraformOutput.STACK_FILE);
    if (fs.existsSync(own)) {
      return [own];
    }
    const stacksDir = path.join(fileOrDir, 'stacks');
    const found = fs.existsSync(stacksDir) && fs.statSync(stacksDir).isDirectory()
      ? fs.readdirSync(stacksDir).sort().map(s => path.join(stacksDir, s, TerraformOutput.STACK_FILE)).filter(f => fs.existsSync(f))
      : [];
    if (found.length === 0) {
      problems.add(fileOrDir, 'terraform-dir', fileOrDir, `holds no ${TerraformOutput.STACK_FILE} (looked in the folder and in stacks/*/)`,
        'pass the cdktf output folder (cdktf.out after `npm run synth`), a stack folder or a cdk.tf.json file');
    }
    return found;
  }

  /** Where the output was read from. */
  public readonly source: string;
  /** Names of the stacks read. */
  public readonly stacks: string[];
  /** Every resource of every stack (data sources have addresses starting with `data.`). */
  public readonly resources: TerraformResource[];
  /** Every variable of every stack. */
  public readonly variables: TerraformVariableInfo[];
  /** Every stack's JSON as read (for scans over the whole document). */
  public readonly documents: any[];
  private byAddress?: Map<string, TerraformResource[]>;

  private constructor(stacks: Array<{ stack: string; json: any }>, source: string) {
    this.source = source;
    this.stacks = stacks.map(s => s.stack);
    this.documents = stacks.map(s => s.json);
    const resources: TerraformResource[] = [];
    const variables: TerraformVariableInfo[] = [];
    for (const { stack, json } of stacks) {
      for (const [block, prefix] of [['resource', ''], ['data', 'data.']] as const) {
        const byType = json?.[block];
        if (!byType || typeof byType !== 'object') {
          continue;
        }
        for (const type of Object.keys(byType)) {
          const byName = byType[type] ?? {};
          for (const name of Object.keys(byName)) {
            const { ['//']: _meta, ...attributes } = byName[name] ?? {};
            resources.push({ type, name, address: `${prefix}${type}.${name}`, stack, attributes });
          }
        }
      }
      const vars = json?.variable ?? {};
      for (const name of Object.keys(vars)) {
        const v = vars[name] ?? {};
        variables.push({ name, stack, sensitive: v.sensitive === true, hasDefault: v.default !== undefined });
      }
    }
    this.resources = resources;
    this.variables = variables;
  }

  /** The resources of one type, in document order. */
  public resourcesOfType(type: string): TerraformResource[] {
    return this.resources.filter(r => r.type === type);
  }

  /** A variable by name (first stack holding it). */
  public variable(name: string, stack?: string): TerraformVariableInfo | undefined {
    return this.variables.find(v => v.name === name && (stack === undefined || v.stack === stack));
  }

  /**
   * The literal a value stands for: a whole-string reference
   * `${<type>.<name>.<attribute>}` to a resource of the same stack is
   * replaced by that attribute's literal value (following chains);
   * anything else is returned unchanged. Unresolvable references are
   * returned as written.
   */
  public resolve(value: any, stack?: string): any {
    let current = value;
    for (let depth = 0; depth < 10; depth++) {
      const ref = TerraformOutput.referenceOf(current);
      if (ref === undefined) {
        return current;
      }
      const parts = ref.split('.');
      if (parts.length !== 3) {
        return current;
      }
      const target = this.addressed(`${parts[0]}.${parts[1]}`).find(r => stack === undefined || r.stack === stack);
      if (!target || target.attributes[parts[2]] === undefined) {
        return current;
      }
      current = target.attributes[parts[2]];
    }
    return current;
  }

  /** Resources by `type.name` (every stack), built on first use: `resolve` runs once per reference of every check. */
  private addressed(typeAndName: string): TerraformResource[] {
    if (!this.byAddress) {
      this.byAddress = new Map();
      for (const r of this.resources) {
        const key = `${r.type}.${r.name}`;
        this.byAddress.set(key, [...(this.byAddress.get(key) ?? []), r]);
      }
    }
    return this.byAddress.get(typeAndName) ?? [];
  }

  /** The expression inside a whole-string interpolation `${…}`, or undefined for anything else. */
  public static referenceOf(value: any): string | undefined {
    if (typeof value !== 'string') {
      return undefined;
    }
    const m = REFERENCE.exec(value.trim());
    return m ? m[1].trim() : undefined;
  }
}
