import { ContractPhase, LauncherContract, LauncherContractDocument } from '../model/launcher-contract';
import { TrustNames } from '../model/trust-names';
import { LauncherContractValidator } from './launcher-contract-validator';
import { JsonCopy } from '../model/private/json-copy';
import { ProblemCollector } from '../model/private/problem-collector';

/** What a launcher chooses for one investigation: nothing else. */
export interface RenderRequest {
  /** Investigation id: a lowercase RFC 1123 label of at most `TrustNames.MAX_INVESTIGATION_ID` characters. */
  readonly investigationId: string;
  /** Trust phase: one of the contract's phases, at or below its ceiling. */
  readonly phase: string;
}

/** Stable codes of the errors `JobRenderer.render` throws (read them with `JobRenderer.errorCode`). */
export class RenderErrorCode {
  /** The request is not an object, or a field is not a string. */
  public static readonly INVALID_REQUEST = 'INVALID_REQUEST';
  /** The id is not a lowercase RFC 1123 label. */
  public static readonly INVALID_ID = 'INVALID_ID';
  /** The id is too long for `investigation-<id>` to fit in 63 characters. */
  public static readonly ID_TOO_LONG = 'ID_TOO_LONG';
  /** The phase is not in the contract's phase table. */
  public static readonly UNKNOWN_PHASE = 'UNKNOWN_PHASE';
  /** The phase is above the agent's ceiling. */
  public static readonly ABOVE_CEILING = 'ABOVE_CEILING';

  /** Every code. */
  public static all(): string[] {
    return [RenderErrorCode.INVALID_REQUEST, RenderErrorCode.INVALID_ID, RenderErrorCode.ID_TOO_LONG,
      RenderErrorCode.UNKNOWN_PHASE, RenderErrorCode.ABOVE_CEILING];
  }

  private constructor() {}
}

// Marks errors thrown by the renderer, so an fs error's `code` is never mistaken for a refusal.
const REFUSAL = Symbol.for('cdk-agent-trust.render-refusal');
const SHOWN_MAX = 80;
const OWN_OTEL_KEYS = new Set(['service.name', 'investigation.id', 'agent.name', 'agent.trust_phase']);

/** A contract phase with its position on the ladder (not the verifier's per-phase facts). */
interface RankedPhase {
  readonly row: ContractPhase;
  readonly rank: number;
}

/**
 * Renders the Job of one investigation from a launcher contract: a deep
 * copy of the template with the investigation id, the phase, its
 * ServiceAccount, environment and annotations filled in as data (never by
 * string substitution, so no id can inject YAML). Refuses, with an error
 * carrying a stable `code`, anything a launcher should not choose.
 */
export class JobRenderer {
  /** The code of a render refusal, or undefined for any other error. */
  public static errorCode(error: any): string | undefined {
    return error instanceof Error && (error as any)[REFUSAL] === true ? (error as any).code : undefined;
  }

  /** Whether `error` is a render refusal. */
  public static isRefusal(error: any): boolean {
    return JobRenderer.errorCode(error) !== undefined;
  }

  private static refuse(code: string, message: string): never {
    const error = new Error(`cannot render the investigation Job: ${message}`);
    error.name = 'JobRenderRefused';
    Object.defineProperty(error, 'code', { value: code, enumerable: true });
    Object.defineProperty(error, REFUSAL, { value: true });
    throw error;
  }

  private static show(value: unknown): string {
    const text = typeof value === 'string' ? JSON.stringify(value) : `a ${value === null ? 'null' : typeof value}`;
    return text.length > SHOWN_MAX ? `${text.slice(0, SHOWN_MAX)}…" (${(value as string).length} characters)` : text;
  }

  /** The agent. */
  public readonly agent: string;
  /** Namespace of the rendered Jobs. */
  public readonly namespace: string;
  /** The agent's ceiling: the highest phase rendered. */
  public readonly ceiling: string;

  private readonly document: LauncherContractDocument;
  private readonly rows = new Map<string, RankedPhase>();
  private readonly ceilingRank: number;
  private readonly containerIndex: number;
  private readonly template: any;
  private readonly otelExtra: string;
  /** Per phase: a function returning a fresh copy of the phase's base Job. */
  private readonly bases = new Map<string, () => any>();

  /**
   * A renderer for a contract. Throws an `AgentTrustValidationError`
   * listing every problem when the document is not a valid contract.
   */
  public constructor(document: LauncherContractDocument) {
    const problems = new ProblemCollector();
    LauncherContractValidator._check(problems, document, `LauncherContract(${ProblemCollector.show((document as any)?.agent)})`);
    problems.throwIfAny('launcher contract');
    // Own copy, reduced to plain JSON data: later changes to the caller's object
    // cannot alter what is rendered, and the fast copy below only meets JSON values.
    this.document = JSON.parse(JSON.stringify(document));
    this.agent = this.document.agent;
    this.namespace = this.document.namespace;
    this.ceiling = this.document.ceiling;
    this.document.phases.forEach((row, rank) => this.rows.set(row.name, { row, rank }));
    this.ceilingRank = this.rows.get(this.ceiling)!.rank;
    this.template = this.document.jobTemplate;
    this.containerIndex = this.template.spec.template.spec.containers.findIndex((c: any) => c.name === this.document.containerName);
    // Static attributes the template's OTEL_RESOURCE_ATTRIBUTES carries survive; ours
    // replace any of the same key, so a template cannot spoof the investigation.
    const existing = (this.template.spec.template.spec.containers[this.containerIndex].env ?? [])
      .find((e: any) => e.name === this.document.env.otelResourceAttributes)?.value ?? '';
    this.otelExtra = String(existing).split(',').map(p => p.trim())
      .filter(p => p !== '' && !OWN_OTEL_KEYS.has(p.split('=')[0].trim())).join(',');
  }

  /** Every phase of the contract, lowest first (including those above the ceiling, which are refused). */
  public get phases(): string[] {
    return this.document.phases.map(p => p.name);
  }

  /** The phases a launcher may choose: those at or below the ceiling, lowest first. */
  public get allowedPhases(): string[] {
    return this.phases.slice(0, this.ceilingRank + 1);
  }

  /** A copy of the contract document this renderer uses. */
  public get contract(): LauncherContractDocument {
    return structuredClone(this.document);
  }

  /**
   * The complete batch/v1 Job of one investigation. Throws an error with a
   * `code` (see `RenderErrorCode`) for an invalid id, an unknown phase or a
   * phase above the ceiling; never returns a partial Job.
   */
  public render(request: RenderRequest): any {
    if (request === null || typeof request !== 'object') {
      JobRenderer.refuse(RenderErrorCode.INVALID_REQUEST, `the request must be an object { investigationId, phase }, got ${JobRenderer.show(request)}`);
    }
    // Loud on misuse: a launcher that passes an image or a ServiceAccount must learn it is not honoured.
    const extra = Object.keys(request).filter(k => k !== 'investigationId' && k !== 'phase');
    if (extra.length > 0) {
      JobRenderer.refuse(RenderErrorCode.INVALID_REQUEST, `unknown request field(s) ${extra.map(k => JSON.stringify(k)).join(', ')}: `
        + 'a launcher chooses only investigationId and phase; everything else comes from the contract');
    }
    const id: unknown = request.investigationId;
    const phase: unknown = request.phase;
    if (typeof id !== 'string') {
      JobRenderer.refuse(RenderErrorCode.INVALID_REQUEST, `investigationId must be a string, got ${JobRenderer.show(id)}`);
    }
    if (typeof phase !== 'string') {
      JobRenderer.refuse(RenderErrorCode.INVALID_REQUEST, `phase must be a string, got ${JobRenderer.show(phase)}`);
    }
    // Shape before length: an over-long string of garbage is reported as garbage.
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(id)) {
      JobRenderer.refuse(RenderErrorCode.INVALID_ID, `investigationId ${JobRenderer.show(id)} is not a lowercase RFC 1123 label `
        + '(lowercase letters, digits and "-", starting and ending with a letter or digit)');
    }
    if (id.length > TrustNames.MAX_INVESTIGATION_ID) {
      JobRenderer.refuse(RenderErrorCode.ID_TOO_LONG, `investigationId ${JobRenderer.show(id)} is ${id.length} characters; `
        + `at most ${TrustNames.MAX_INVESTIGATION_ID} fit in "${TrustNames.JOB_PREFIX}<id>" (63 characters)`);
    }
    const found = this.rows.get(phase);
    if (!found) {
      JobRenderer.refuse(RenderErrorCode.UNKNOWN_PHASE, `phase ${JobRenderer.show(phase)} is not in the contract of agent "${this.agent}"; `
        + `use one of: ${this.allowedPhases.join(', ')}`);
    }
    if (found.rank > this.ceilingRank) {
      JobRenderer.refuse(RenderErrorCode.ABOVE_CEILING, `phase "${phase}" is above the ceiling "${this.ceiling}" of agent "${this.agent}"; `
        + `use one of: ${this.allowedPhases.join(', ')} (raising the ceiling is a reviewed promotion)`);
    }
    return this.build(id, found.row);
  }

  /**
   * The Job of a phase with everything but the investigation id filled in,
   * computed once per phase so a render is one copy plus five assignments.
   * The id slots hold placeholders that `render` always overwrites.
   */
  private baseJob(row: ContractPhase): any {
    const job = JsonCopy.walker(this.template)();
    const ids: { [key: string]: string } = {
      [LauncherContract.AGENT_LABEL]: this.agent,
      [LauncherContract.INVESTIGATION_LABEL]: '',
      [LauncherContract.PHASE_LABEL]: row.name,
    };
    job.metadata = {
      ...(job.metadata ?? {}),
      name: '',
      namespace: this.namespace,
      labels: { ...(job.metadata?.labels ?? {}), ...ids },
    };
    const podTemplate = job.spec.template;
    const podMeta = podTemplate.metadata ?? {};
    podTemplate.metadata = { ...podMeta, labels: { ...(podMeta.labels ?? {}), ...ids } };
    if (row.podAnnotations && Object.keys(row.podAnnotations).length > 0) {
      podTemplate.metadata.annotations = { ...(podMeta.annotations ?? {}), ...row.podAnnotations };
    }
    podTemplate.spec.serviceAccountName = row.serviceAccount;
    const container = podTemplate.spec.containers[this.containerIndex];
    const names = this.document.env;
    // Hostname egress through the proxy (issue #17): the phase's own proxy port, and what bypasses it.
    const proxy = row.egressProxy
      ? [{ name: LauncherContract.HTTPS_PROXY_ENV, value: row.egressProxy },
        { name: LauncherContract.NO_PROXY_ENV, value: LauncherContract.noProxy(LauncherContract.vaultAddressOf(this.document)) }]
      : [];
    const filled = new Set([names.otelResourceAttributes, ...proxy.map(e => e.name)]);
    container.env = [
      ...(container.env ?? []).filter((e: any) => !filled.has(e.name)),
      ...proxy,
      { name: names.investigationId, value: '' },
      { name: names.trustPhase, value: row.name },
      { name: names.vaultRole, value: row.vaultRole },
      { name: names.otelResourceAttributes, value: '' },
    ];
    return job;
  }

  private build(id: string, row: ContractPhase): any {
    let copy = this.bases.get(row.name);
    if (!copy) {
      copy = JsonCopy.compiler(this.baseJob(row));
      this.bases.set(row.name, copy);
    }
    const job = copy();
    job.metadata.name = TrustNames.jobName(id);
    job.metadata.labels[LauncherContract.INVESTIGATION_LABEL] = id;
    job.spec.template.metadata.labels[LauncherContract.INVESTIGATION_LABEL] = id;
    const env = job.spec.template.spec.containers[this.containerIndex].env;
    env[env.length - 4].value = id;
    const otel = `service.name=${this.agent},investigation.id=${id},agent.name=${this.agent},agent.trust_phase=${row.name}`;
    env[env.length - 1].value = this.otelExtra === '' ? otel : `${otel},${this.otelExtra}`;
    return job;
  }
}
