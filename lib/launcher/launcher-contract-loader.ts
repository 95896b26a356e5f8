import * as fs from 'fs';
import { LauncherContract, LauncherContractDocument } from '../model/launcher-contract';
import { ValidationProblem } from '../model/validation';
import { LauncherContractValidator } from './launcher-contract-validator';
import { SynthOutput } from './synth-output';
import { ProblemCollector } from '../model/private/problem-collector';

/** Options of `LauncherContractLoader.fromManifests`. */
export interface ContractLoadOptions {
  /**
   * Whether to refuse contracts whose Job template breaks what admission
   * enforces (`LauncherContractValidator.checkInvariants`). The verifier
   * turns this off and reports each broken invariant under its own rule.
   * @default true
   */
  readonly checkInvariants?: boolean;
}

/**
 * Loads a launcher contract and checks it before anything is rendered:
 * from JSON text, a parsed object, a contract file, a manifest file holding
 * the agent's ConfigMap, or a synth output folder such as `dist/`.
 * Every failure throws an `AgentTrustValidationError` (see
 * `AgentTrustErrors`) listing every problem with field, value and fix.
 */
export class LauncherContractLoader {
  /** A contract from JSON text. */
  public static fromJson(text: string, source?: string): LauncherContractDocument {
    const where = source ?? 'contract JSON';
    let obj: any;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      const problems = new ProblemCollector();
      problems.add(where, '(text)', String(text).slice(0, 40), `is not valid JSON (${oneLine(e)})`, 'pass the contract document as JSON');
      problems.throwIfAny(where);
    }
    return LauncherContractLoader.fromObject(obj, where);
  }

  /** A contract from a parsed object; returns it after validation. */
  public static fromObject(obj: any, source?: string): LauncherContractDocument {
    const where = source ?? 'LauncherContract';
    const problems = new ProblemCollector();
    LauncherContractValidator._check(problems, obj, where);
    problems.throwIfAny(where);
    return obj as LauncherContractDocument;
  }

  /**
   * A contract from a file: a `.json` contract document, or a YAML/JSON
   * manifest file holding contract ConfigMaps. With several contracts in
   * the file, `agent` picks one (and is checked against a single one).
   */
  public static fromFile(file: string, agent?: string): LauncherContractDocument {
    const objects = SynthOutput.readFile(file);
    return LauncherContractLoader.pick(objects, file, agent);
  }

  /**
   * The contract of `agent` from a synth output folder (scans `*.yaml`,
   * `*.yml` and `*.json` for the agent's contract ConfigMap or a contract
   * document). The error lists the agents found when `agent` is absent.
   */
  public static fromDirectory(dir: string, agent: string): LauncherContractDocument {
    return LauncherContractLoader.pick(SynthOutput.readDirectory(dir), dir, agent);
  }

  /** A contract from a file or a folder (what the CLI's `--contract` accepts). */
  public static fromPath(fileOrDir: string, agent?: string): LauncherContractDocument {
    let isDir = false;
    try {
      isDir = fs.statSync(fileOrDir).isDirectory();
    } catch {
      // Reported by fromFile with the reason.
    }
    if (isDir) {
      return LauncherContractLoader.pick(SynthOutput.readDirectory(fileOrDir), fileOrDir, agent);
    }
    return LauncherContractLoader.fromFile(fileOrDir, agent);
  }

  /**
   * The contracts among manifests: contract documents, and the
   * `LauncherContract.CONFIGMAP_KEY` data of ConfigMaps labelled
   * `LauncherContract.CONFIGMAP_LABEL: "true"`. Each is validated; `source`
   * names the origin in messages.
   */
  public static fromManifests(objects: any[], source?: string, options?: ContractLoadOptions): LauncherContractDocument[] {
    const where = source ?? 'manifests';
    const problems = new ProblemCollector();
    const out: LauncherContractDocument[] = [];
    for (const found of LauncherContractLoader.candidates(objects, where)) {
      const before = problems.problems.length;
      LauncherContractLoader.checkCandidate(problems, found, options?.checkInvariants ?? true);
      if (problems.problems.length === before) {
        out.push(found.doc);
      }
    }
    problems.throwIfAny(where);
    return out;
  }

  /** Names of the agents with a contract among manifests (unvalidated; for listings and messages). */
  public static agentsIn(objects: any[]): string[] {
    return LauncherContractLoader.candidates(objects, 'manifests').map(c => c.agent);
  }

  /**
   * The one contract among already-read manifests (of `agent`, when given);
   * `source` names their origin in messages.
   */
  public static fromObjects(objects: any[], source: string, agent?: string): LauncherContractDocument {
    return LauncherContractLoader.pick(objects, source, agent);
  }

  private static pick(objects: any[], where: string, agent?: string): LauncherContractDocument {
    const problems = new ProblemCollector();
    const all = LauncherContractLoader.candidates(objects, where);
    const agents = all.map(c => c.agent);
    const chosen = agent === undefined ? all : all.filter(c => c.agent === agent);
    const nameless = all.filter(c => !c.named);
    if (chosen.length === 0 && nameless.length > 0) {
      // A contract without a readable agent name cannot be matched: report what is wrong with it, not "found: (unset)".
      nameless.forEach(c => LauncherContractLoader.checkCandidate(problems, c));
      problems.throwIfAny(where);
    }
    if (chosen.length === 0) {
      problems.add(where, agent === undefined ? 'contract' : 'agent', agent ?? '(any)',
        all.length === 0 ? 'no launcher contract found here' : `has no launcher contract here; found: ${agents.join(', ')}`,
        all.length === 0
          ? `pass a ${LauncherContract.KIND} JSON file or the synth output folder holding the ConfigMap labelled ${LauncherContract.CONFIGMAP_LABEL}=true`
          : `use --agent with one of: ${agents.join(', ')}`);
    } else if (chosen.length > 1) {
      problems.add(where, 'agent', agent ?? '(any)', agent === undefined
        ? `several contracts found (${agents.join(', ')})` : 'has several contracts here',
      agent === undefined ? `choose one with --agent: ${agents.join(', ')}` : 'keep one contract per agent in the folder');
    }
    problems.throwIfAny(where);
    const found = chosen[0];
    LauncherContractLoader.checkCandidate(problems, found);
    problems.throwIfAny(found.where);
    return found.doc;
  }

  private static checkCandidate(problems: ProblemCollector, found: Candidate, invariants = true): void {
    if (found.problem) {
      problems.addAll([found.problem]);
    } else if (invariants) {
      LauncherContractValidator._check(problems, found.doc, found.where);
    } else {
      LauncherContractValidator._checkStructure(problems, found.doc, found.where);
    }
  }

  private static candidates(objects: any[], where: string): Candidate[] {
    const out: Candidate[] = [];
    for (const obj of objects) {
      if (obj === null || typeof obj !== 'object') {
        continue;
      }
      if (obj.kind === LauncherContract.KIND) {
        out.push({ doc: obj, agent: String(obj.agent), named: isName(obj.agent),
          where: `${where}: ${LauncherContract.KIND}(${ProblemCollector.show(obj.agent)})` });
        continue;
      }
      const labels = obj.metadata?.labels ?? {};
      if (obj.kind !== 'ConfigMap' || labels[LauncherContract.CONFIGMAP_LABEL] !== 'true') {
        continue;
      }
      const cmWhere = `${where}: ConfigMap ${obj.metadata?.namespace ?? ''}/${obj.metadata?.name ?? '(unnamed)'}`;
      const text = obj.data?.[LauncherContract.CONFIGMAP_KEY];
      const labelAgent: string | undefined = labels[LauncherContract.AGENT_LABEL];
      const fail = (field: string, value: unknown, message: string, hint: string): void => {
        out.push({ doc: undefined, agent: String(labelAgent), named: isName(labelAgent), where: cmWhere,
          problem: { path: cmWhere, field, value: ProblemCollector.show(value), message, hint } });
      };
      if (typeof text !== 'string') {
        fail(`data.${LauncherContract.CONFIGMAP_KEY}`, text, 'is missing', 'regenerate the contract ConfigMap with AgentJobTemplate');
        continue;
      }
      let doc: any;
      try {
        doc = JSON.parse(text);
      } catch (e) {
        fail(`data.${LauncherContract.CONFIGMAP_KEY}`, text.slice(0, 40), `is not valid JSON (${oneLine(e)})`,
          'regenerate the contract ConfigMap with AgentJobTemplate');
        continue;
      }
      if (labelAgent !== undefined && doc?.agent !== labelAgent) {
        fail(`metadata.labels.${LauncherContract.AGENT_LABEL}`, labelAgent,
          `disagrees with the contract's agent ${ProblemCollector.show(doc?.agent)}`, 'regenerate the contract ConfigMap');
        continue;
      }
      out.push({ doc, agent: String(doc?.agent ?? labelAgent), named: isName(doc?.agent ?? labelAgent), where: cmWhere });
    }
    return out;
  }

  private constructor() {}
}

interface Candidate {
  readonly doc: any;
  readonly agent: string;
  /** Whether `agent` came from a non-empty string (else it cannot be matched against --agent). */
  readonly named: boolean;
  readonly where: string;
  readonly problem?: ValidationProblem;
}

function isName(v: unknown): boolean {
  return typeof v === 'string' && v !== '';
}

/** An error message on one line: Node's JSON.parse quotes the text around the error, newlines included. */
function oneLine(e: unknown): string {
  return String((e as Error)?.message ?? e).replace(/\s*\n\s*/g, ' ');
}
