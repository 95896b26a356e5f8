import * as fs from 'fs';
import * as path from 'path';
import { LauncherContract } from '../model/launcher-contract';
import { HelmText } from '../model/private/helm-text';
import { AgentTrustErrors } from '../model/validation';
import { YamlDocuments } from './private/yaml-documents';
import { ProblemCollector } from '../model/private/problem-collector';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads the Kubernetes objects of synthesized output (a cdk8s `dist/`
 * folder or single manifest files, YAML or JSON), ours or hand-edited.
 * `List` objects and JSON arrays are flattened into their items. Every
 * failure is an `AgentTrustValidationError` naming the file, one line each.
 */
export class SynthOutput {
  /**
   * Every object of every `*.yaml`, `*.yml` and `*.json` file in `dir` and
   * its subfolders (as cdk8s's `FOLDER_PER_CHART_FILE_PER_RESOURCE` writes
   * them), files in path order; of a Helm chart (`cdk8s synth --format
   * helm`), the templates, read as Helm renders them. Skipped: the contract files folder
   * (`LauncherContract.FILES_DIRECTORY`, read by `contractFiles`) and
   * hidden folders. Throws an `AgentTrustValidationError` naming each file
   * that cannot be read or parsed.
   */
  public static readDirectory(dir: string): any[] {
    if (SynthOutput.isHelmChart(dir)) {
      // A chart's root: its manifests are the templates (Chart.yaml and contracts/ are not objects to apply).
      return SynthOutput.readDirectory(path.join(dir, 'templates'));
    }
    const problems = new ProblemCollector();
    let files: string[] = [];
    try {
      if (!fs.statSync(dir).isDirectory()) {
        problems.add(dir, 'directory', dir, 'is not a directory', 'pass the synth output folder, e.g. dist/');
      } else {
        files = SynthOutput.manifestFiles(dir, true);
      }
    } catch (e) {
      problems.add(dir, 'directory', dir, `cannot be read (${reason(e)})`,
        'pass an existing synth output folder, e.g. dist/ after `npm run synth`');
    }
    problems.throwIfAny(dir);
    const out: any[] = [];
    const helm = SynthOutput.isHelmTemplates(dir);
    for (const file of files) {
      try {
        out.push(...(helm ? SynthOutput.readHelmTemplate(file) : SynthOutput.readFile(file)));
      } catch (e) {
        SynthOutput.collect(problems, e, file);
      }
    }
    problems.throwIfAny(dir);
    return out;
  }

  /**
   * The contract files next to a cdk8s output folder: `*.json` in
   * `<dir>/contracts/`, or, for a Helm chart's `templates/` folder (a
   * `Chart.yaml` beside it), in `<chart>/contracts/`. Empty when there is
   * no such folder. Each entry is the file and its parsed content, or the
   * reason it cannot be read.
   */
  public static contractFiles(dir: string): ContractFile[] {
    const candidates = [path.join(dir, LauncherContract.FILES_DIRECTORY)];
    if (SynthOutput.isHelmTemplates(dir)) {
      candidates.push(path.join(dir, '..', LauncherContract.FILES_DIRECTORY));
    }
    const out: ContractFile[] = [];
    for (const folder of candidates) {
      let names: string[];
      try {
        names = fs.readdirSync(folder).filter(f => f.toLowerCase().endsWith('.json')).sort();
      } catch {
        continue;
      }
      for (const name of names) {
        const file = path.join(folder, name);
        try {
          const text = fs.readFileSync(file, 'utf8');
          out.push({ file, content: JSON.parse(text) });
        } catch (e) {
          out.push({ file, error: e instanceof SyntaxError ? `is not valid JSON (${firstLine(e)})` : `cannot be read (${reason(e)})` });
        }
      }
    }
    return out;
  }

  /** Whether `dir` is the root of a Helm chart (`Chart.yaml` and a `templates/` folder). */
  public static isHelmChart(dir: string): boolean {
    try {
      return fs.statSync(path.join(dir, 'Chart.yaml')).isFile() && fs.statSync(path.join(dir, 'templates')).isDirectory();
    } catch {
      return false;
    }
  }

  /**
   * Whether `dir` is a Helm chart's `templates/` folder (a `Chart.yaml`
   * beside it), as `cdk8s synth --format helm` writes it.
   */
  public static isHelmTemplates(dir: string): boolean {
    return path.basename(path.resolve(dir)) === 'templates' && fs.existsSync(path.join(dir, '..', 'Chart.yaml'));
  }

  /**
   * A template of a chart cdk8s wrote, read as Helm renders it: the only
   * template actions this library writes are escaped `{{`, rendered back
   * here; any other action is left as text (and usually fails to parse).
   */
  private static readHelmTemplate(file: string): any[] {
    return SynthOutput.parse(HelmText.unescape(SynthOutput.readText(file)), formatOf(file), file);
  }

  /** Every object of one YAML (multi-document) or JSON file. Throws on an unreadable or unparsable file, naming it. */
  public static readFile(file: string): any[] {
    const format = formatOf(file);
    const bytes = SynthOutput.readBytes(file);
    if (format === 'yaml') {
      // Fast path, document by document (YamlDocuments); what it leaves is parsed below as before.
      const fast = YamlDocuments.loadAllBytes(bytes);
      if (fast !== undefined) {
        return SynthOutput.flatten(fast);
      }
    }
    return SynthOutput.parseText(bytes.toString('utf8'), format, file, false);
  }

  private static readText(file: string): string {
    return SynthOutput.readBytes(file).toString('utf8');
  }

  private static readBytes(file: string): Buffer {
    try {
      if (fs.statSync(file).isDirectory()) {
        const problems = new ProblemCollector();
        problems.add(file, 'file', file, 'is a directory', 'pass a file, or use a command that reads a folder');
        problems.throwIfAny(file);
      }
      return fs.readFileSync(file);
    } catch (e) {
      if (AgentTrustErrors.isValidationError(e)) {
        throw e;
      }
      const problems = new ProblemCollector();
      problems.add(file, 'file', file, `cannot be read (${reason(e)})`, 'pass an existing, readable file');
      problems.throwIfAny(file);
      throw e;
    }
  }

  /**
   * Every object of a text in `format` `json` or `yaml`; `source` names it
   * in errors. Throws an `AgentTrustValidationError` when the text does not parse.
   */
  public static parse(text: string, format: string, source?: string): any[] {
    return SynthOutput.parseText(text, format, source, true);
  }

  private static parseText(text: string, format: string, source: string | undefined, tryFast: boolean): any[] {
    const where = source ?? (format === 'json' ? 'JSON' : 'YAML');
    const fail = (message: string): never => {
      const problems = new ProblemCollector();
      problems.add(where, '(text)', String(text).slice(0, 40), message, 'fix the file, or regenerate it with the tool that wrote it');
      problems.throwIfAny(where);
      throw new Error('unreachable');
    };
    if (typeof text !== 'string' || (format === 'json' && text.trim() === '')) {
      // An empty YAML file holds no objects (cdk8s writes one for an empty chart); an empty JSON file is broken.
      fail('is empty');
    }
    let docs: any[];
    if (format === 'json') {
      try {
        docs = [JSON.parse(text)];
      } catch (e) {
        return fail(`is not valid JSON (${firstLine(e)})`);
      }
    } else {
      // js-yaml first (fast); the `yaml` package decides what it leaves (YamlDocuments says when).
      const fast = tryFast ? YamlDocuments.loadAll(text) : undefined;
      if (fast !== undefined) {
        return SynthOutput.flatten(fast);
      }
      // Loaded lazily: a launcher that renders from JSON never pays for the YAML parser.
      const YAML = require('yaml') as typeof import('yaml');
      docs = [];
      try {
        const parsed = YAML.parseAllDocuments(text);
        for (const doc of Array.isArray(parsed) ? parsed : [parsed]) {
          if (doc.errors.length > 0) {
            return fail(`is not valid YAML (${firstLine(doc.errors[0])})`);
          }
          docs.push(doc.toJS());
        }
      } catch (e) {
        if (AgentTrustErrors.isValidationError(e)) {
          throw e;
        }
        // Aliases expanding past the parser's limit and similar: still one line naming the file.
        return fail(`is not valid YAML (${firstLine(e)})`);
      }
    }
    return SynthOutput.flatten(docs);
  }

  private static manifestFiles(dir: string, top: boolean): string[] {
    const out: string[] = [];
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !(top && entry.name === LauncherContract.FILES_DIRECTORY)) {
          out.push(...SynthOutput.manifestFiles(full, false));
        }
      } else if (entry.isFile() && MANIFEST_EXTENSIONS.includes(path.extname(entry.name).toLowerCase())) {
        out.push(full);
      }
    }
    return out;
  }

  private static collect(problems: ProblemCollector, e: unknown, file: string): void {
    const found = AgentTrustErrors.problemsOf(e);
    if (found.length > 0) {
      problems.addAll(found);
    } else {
      problems.add(file, 'file', file, `cannot be parsed: ${firstLine(e)}`, 'fix or remove the file');
    }
  }

  private static flatten(docs: any[]): any[] {
    const out: any[] = [];
    for (const doc of docs) {
      if (doc === null || doc === undefined) {
        continue;
      }
      if (Array.isArray(doc)) {
        out.push(...SynthOutput.flatten(doc));
      } else if (typeof doc === 'object' && typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
        out.push(...SynthOutput.flatten(doc.items));
      } else {
        out.push(doc);
      }
    }
    return out;
  }

  private constructor() {}
}

/** A contract file found by `SynthOutput.contractFiles`. */
export interface ContractFile {
  /** Path of the file. */
  readonly file: string;
  /**
   * The parsed JSON.
   * @default - none: the file could not be read or parsed (see `error`)
   */
  readonly content?: any;
  /**
   * Why the file could not be read or parsed.
   * @default - none: `content` holds the parsed JSON
   */
  readonly error?: string;
}

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}

function formatOf(file: string): string {
  return path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml';
}

function reason(e: unknown): string {
  return (e as NodeJS.ErrnoException)?.code ?? firstLine(e);
}
