import * as fs from 'fs';
import * as path from 'path';
import { ProblemCollector } from '../model/validation';

const MANIFEST_EXTENSIONS = ['.yaml', '.yml', '.json'];

/**
 * Reads the Kubernetes objects of synthesized output (a cdk8s `dist/`
 * folder or single manifest files, YAML or JSON), ours or hand-edited.
 * `List` objects and JSON arrays are flattened into their items.
 */
export class SynthOutput {
  /**
   * Every object of every `*.yaml`, `*.yml` and `*.json` file directly in
   * `dir` (files in name order). Throws an `AgentTrustValidationError`
   * naming each file that cannot be read or parsed.
   */
  public static readDirectory(dir: string): any[] {
    const problems = new ProblemCollector();
    let entries: string[] = [];
    try {
      if (!fs.statSync(dir).isDirectory()) {
        problems.add(dir, 'directory', dir, 'is not a directory', 'pass the synth output folder, e.g. dist/');
      } else {
        entries = fs.readdirSync(dir).filter(f => MANIFEST_EXTENSIONS.includes(path.extname(f).toLowerCase())).sort();
      }
    } catch (e) {
      problems.add(dir, 'directory', dir, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
        'pass an existing synth output folder, e.g. dist/ after `npm run synth`');
    }
    problems.throwIfAny(dir);
    const out: any[] = [];
    for (const file of entries) {
      const full = path.join(dir, file);
      if (!fs.statSync(full).isFile()) {
        continue;
      }
      try {
        out.push(...SynthOutput.readFile(full));
      } catch (e) {
        problems.add(full, 'file', file, `cannot be parsed: ${firstLine(e)}`, 'fix or remove the file');
      }
    }
    problems.throwIfAny(dir);
    return out;
  }

  /** Every object of one YAML (multi-document) or JSON file. Throws on an unreadable or unparsable file. */
  public static readFile(file: string): any[] {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      const problems = new ProblemCollector();
      problems.add(file, 'file', file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, 'pass an existing file');
      problems.throwIfAny(file);
    }
    return SynthOutput.parse(text!, path.extname(file).toLowerCase() === '.json' ? 'json' : 'yaml', file);
  }

  /** Every object of a text in `format` `json` or `yaml`; `source` names it in errors. */
  public static parse(text: string, format: string, source?: string): any[] {
    let docs: any[];
    if (format === 'json') {
      docs = [JSON.parse(text)];
    } else {
      // Loaded lazily: a launcher that renders from JSON never pays for the YAML parser.
      const YAML = require('yaml') as typeof import('yaml');
      const parsed = YAML.parseAllDocuments(text);
      const list = Array.isArray(parsed) ? parsed : [parsed];
      docs = [];
      for (const doc of list) {
        if (doc.errors.length > 0) {
          throw new Error(`${source ?? 'YAML'}: ${doc.errors[0].message}`);
        }
        docs.push(doc.toJS());
      }
    }
    return SynthOutput.flatten(docs);
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

function firstLine(e: unknown): string {
  return String((e as Error)?.message ?? e).split('\n')[0];
}
