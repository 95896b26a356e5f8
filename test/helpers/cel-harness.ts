/**
 * A tiny stand-in for the Kubernetes ValidatingAdmissionPolicy evaluator,
 * built on @bufbuild/cel: it parses and plans every validation once, binds
 * `object`, `oldObject`, `params` and `request` like the API server, and
 * treats anything but `true` (false, a non-bool, an evaluation error) as a
 * denial — which is what failurePolicy Fail does with an error.
 *
 * Known gaps against the real thing: @bufbuild/cel 0.6.1 has no usable type
 * checker (its `check` does not support calls yet), so instead every
 * expression is walked and its functions and free identifiers are compared
 * with what Kubernetes offers (`functionsOutsideKubernetes`,
 * `freeIdentifiers`); cost limits are not modelled.
 */
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';

/** One validation as it appears in a ValidatingAdmissionPolicy. */
export interface CelValidation {
  readonly expression: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
}

/** One variable as it appears in a ValidatingAdmissionPolicy (`spec.variables`). */
export interface CelVariable {
  readonly name: string;
  readonly expression: string;
}

/** One matchCondition as it appears in a ValidatingAdmissionPolicy. */
export interface CelMatchCondition {
  readonly name: string;
  readonly expression: string;
}

/** The variables of one admission request. */
export interface AdmissionRequestInput {
  readonly object: unknown;
  readonly params: unknown;
  readonly oldObject?: unknown;
  readonly request?: unknown;
}

/** The outcome of one validation. */
export interface ValidationOutcome {
  readonly index: number;
  readonly expression: string;
  /** True only when the expression evaluated to the boolean `true`. */
  readonly allowed: boolean;
  /** Evaluation error, if the expression failed to evaluate. */
  readonly error?: string;
  /** The message Kubernetes would return on denial (messageExpression, else message). */
  readonly message?: string;
  /** Evaluation error of messageExpression, if any (Kubernetes then falls back to message). */
  readonly messageError?: string;
}

/**
 * Functions and operators of standard CEL (as the parser names them) and of
 * the strings extension, all of which Kubernetes' CEL environment offers.
 */
export const KUBERNETES_CEL_FUNCTIONS: ReadonlySet<string> = new Set([
  // operators and macros' internals
  '_&&_', '_||_', '!_', '-_', '_==_', '_!=_', '_<_', '_<=_', '_>_', '_>=_', '_+_', '_-_', '_*_', '_/_', '_%_',
  '_?_:_', '_[_]', '@in', '@not_strictly_false',
  // standard functions
  'size', 'int', 'uint', 'double', 'string', 'bool', 'type', 'matches', 'startsWith', 'endsWith', 'contains',
  // strings extension
  'charAt', 'indexOf', 'lastIndexOf', 'lowerAscii', 'upperAscii', 'replace', 'split', 'substring', 'trim', 'join',
]);

/** The variables a validation of a ValidatingAdmissionPolicy may use (authorizer excluded on purpose). */
export const ADMISSION_VARIABLES: ReadonlySet<string> = new Set(['object', 'oldObject', 'params', 'request', 'namespaceObject', 'variables']);

type Evaluator = (ctx: Record<string, unknown>) => unknown;

const env = celEnv({ funcs: strings });

/** Everything an expression calls, and every identifier it reads that no comprehension binds. */
function walk(expression: string): { functions: Set<string>; identifiers: Set<string>; variables: Set<string> } {
  const functions = new Set<string>();
  const identifiers = new Set<string>();
  const variables = new Set<string>();
  const visit = (e: any, bound: Set<string>): void => {
    if (!e?.exprKind) {
      return;
    }
    const v = e.exprKind.value;
    switch (e.exprKind.case) {
      case 'callExpr':
        functions.add(v.function);
        visit(v.target, bound);
        v.args.forEach((a: any) => visit(a, bound));
        break;
      case 'comprehensionExpr': {
        visit(v.iterRange, bound);
        const inner = new Set([...bound, v.iterVar, v.iterVar2, v.accuVar].filter(Boolean));
        visit(v.accuInit, bound);
        for (const f of ['loopCondition', 'loopStep', 'result']) {
          visit(v[f], inner);
        }
        break;
      }
      case 'selectExpr':
        if (v.operand?.exprKind?.case === 'identExpr' && v.operand.exprKind.value.name === 'variables' && !bound.has('variables')) {
          variables.add(v.field);
        }
        visit(v.operand, bound);
        break;
      case 'identExpr':
        if (!bound.has(v.name)) {
          identifiers.add(v.name);
        }
        break;
      case 'listExpr':
        v.elements.forEach((x: any) => visit(x, bound));
        break;
      case 'structExpr':
        v.entries.forEach((x: any) => {
          if (x.keyKind?.case === 'mapKey') {
            visit(x.keyKind.value, bound);
          }
          visit(x.value, bound);
        });
        break;
      default:
        break;
    }
  };
  visit(parse(expression).expr, new Set());
  return { functions, identifiers, variables };
}

/**
 * Convert a JSON-like value the way Kubernetes types it for CEL: integral
 * numbers are `int` (bigint here), undefined fields are absent.
 */
function toCel(value: unknown): unknown {
  if (typeof value === 'number') {
    return Number.isInteger(value) ? BigInt(value) : value;
  }
  if (Array.isArray(value)) {
    return value.filter(v => v !== undefined).map(toCel);
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) {
        out[k] = toCel(v);
      }
    }
    return out;
  }
  return value;
}

export class CelHarness {
  /** Functions an expression uses that Kubernetes' CEL environment does not offer. */
  public static functionsOutsideKubernetes(expression: string): string[] {
    return [...walk(expression).functions].filter(f => !KUBERNETES_CEL_FUNCTIONS.has(f)).sort();
  }

  /** Names an expression reads as `variables.<name>`. */
  public static variablesRead(expression: string): string[] {
    return [...walk(expression).variables].sort();
  }

  /** Identifiers an expression reads that no comprehension binds (must be admission variables). */
  public static freeIdentifiers(expression: string): string[] {
    return [...walk(expression).identifiers].sort();
  }

  private readonly compiled: Array<{ validation: CelValidation; run: Evaluator; message?: Evaluator }>;
  private readonly conditions: Array<{ condition: CelMatchCondition; run: Evaluator }>;
  private readonly vars: Array<{ variable: CelVariable; run: Evaluator }>;

  /**
   * Parses and plans every validation, match condition and variable; throws
   * on a parse error. `defaultRequest` is the `request` of an input that
   * names none (the API server always sends one: operation, userInfo, …).
   */
  public constructor(
    public readonly validations: CelValidation[],
    public readonly matchConditions: CelMatchCondition[] = [],
    public readonly variables: CelVariable[] = [],
    public readonly defaultRequest: unknown = { operation: 'CREATE' }) {
    this.vars = variables.map(variable => ({ variable, run: plan(env, parse(variable.expression)) as Evaluator }));
    this.conditions = matchConditions.map(condition => ({ condition, run: plan(env, parse(condition.expression)) as Evaluator }));
    this.compiled = validations.map(validation => ({
      validation,
      run: plan(env, parse(validation.expression)) as Evaluator,
      message: validation.messageExpression ? plan(env, parse(validation.messageExpression)) as Evaluator : undefined,
    }));
  }

  /**
   * Whether the policy applies to a request: `false` when a match condition
   * is false (the policy is skipped); an error when one fails to evaluate
   * and none is false (with failurePolicy Fail, the request is denied).
   */
  public applies(input: AdmissionRequestInput): boolean | Error {
    // Match conditions cannot read variables (Kubernetes evaluates them first).
    const ctx = this.context(input);
    let error: Error | undefined;
    for (const { condition, run } of this.conditions) {
      const result = run(ctx);
      if (result === false) {
        return false;
      }
      if (result !== true) {
        error = new Error(`matchCondition ${condition.name}: ${isCelError(result) ? (result as { message: string }).message : JSON.stringify(result)}`);
      }
    }
    return error ?? true;
  }

  private context(input: AdmissionRequestInput): Record<string, unknown> {
    return {
      object: toCel(input.object ?? null),
      oldObject: toCel(input.oldObject ?? null),
      params: toCel(input.params ?? null),
      request: toCel(input.request ?? this.defaultRequest),
    };
  }

  /**
   * The values of the variables for a request, in order, each seeing the
   * ones before it. A variable that fails to evaluate is left out, so
   * reading it fails — as with Kubernetes' lazily evaluated variables.
   */
  public variableValues(input: AdmissionRequestInput): { values: Map<string, unknown>; errors: Map<string, string> } {
    const ctx = this.context(input);
    const values = new Map<string, unknown>();
    const errors = new Map<string, string>();
    for (const { variable, run } of this.vars) {
      const result = run({ ...ctx, variables: new Map(values) });
      if (isCelError(result)) {
        errors.set(variable.name, (result as { message: string }).message);
      } else {
        values.set(variable.name, result);
      }
    }
    return { values, errors };
  }

  /**
   * The audit annotations a request gets: key → string value, or null when
   * omitted; a value of another type or an error is reported as an Error.
   */
  public auditAnnotationValues(annotations: Array<{ key: string; valueExpression: string }>, input: AdmissionRequestInput):
  Map<string, string | null | Error> {
    const ctx = { ...this.context(input), variables: new Map(this.variableValues(input).values) };
    const out = new Map<string, string | null | Error>();
    for (const a of annotations) {
      const result = (plan(env, parse(a.valueExpression)) as Evaluator)(ctx);
      out.set(a.key, typeof result === 'string' || result === null ? result
        : new Error(isCelError(result) ? (result as { message: string }).message : `not a string: ${String(result)}`));
    }
    return out;
  }

  /** Evaluate every validation against one request (match conditions aside). */
  public evaluate(input: AdmissionRequestInput): ValidationOutcome[] {
    const ctx = { ...this.context(input), variables: new Map(this.variableValues(input).values) };
    return this.compiled.map(({ validation, run, message }, index) => {
      const result = run(ctx);
      const error = isCelError(result) ? (result as { message: string }).message : undefined;
      const allowed = result === true;
      if (allowed) {
        return { index, expression: validation.expression, allowed };
      }
      let text = validation.message ?? `failed expression: ${validation.expression}`;
      let messageError: string | undefined;
      if (message) {
        const m = message(ctx);
        if (isCelError(m)) {
          messageError = (m as { message: string }).message;
        } else if (typeof m === 'string' && m.trim() !== '' && !/[\r\n]/.test(m)) {
          text = m;
        } else {
          messageError = `messageExpression gave an unusable message: ${JSON.stringify(m)}`;
        }
      }
      return { index, expression: validation.expression, allowed, error, message: text, messageError };
    });
  }

  /**
   * The validations that deny a request (empty = admitted), after the match
   * conditions: a skipped request has none; a match-condition error is one
   * denial (index -1), as under failurePolicy Fail.
   */
  public denials(input: AdmissionRequestInput): ValidationOutcome[] {
    const applies = this.applies(input);
    if (applies === false) {
      return [];
    }
    if (applies instanceof Error) {
      return [{ index: -1, expression: '(matchConditions)', allowed: false, error: applies.message, message: applies.message }];
    }
    return this.evaluate(input).filter(o => !o.allowed);
  }

  /** Whether a request is admitted (every validation is `true`). */
  public admits(input: AdmissionRequestInput): boolean {
    return this.denials(input).length === 0;
  }
}
