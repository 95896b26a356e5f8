import { ApiObject, App, Chart } from 'cdk8s';
import { AgentFleet } from '../../model';

/**
 * What every AgentJobTemplate of a fleet used to recompute for itself
 * (issue #14, the per-agent template cost; the contract's phase rows are
 * cached in the model, `LauncherContractBuilder.phaseRow`): the example
 * Job is the Job's own `ApiObject.toJson()`, which builds fresh objects on
 * every call: no detached-chart synthesis around it and no deep clone after it.
 */
export class TemplateCache {
  /** The example Job as the detached chart would synthesize it (a fresh object: callers may edit it). */
  public static jobJson(job: unknown): any {
    return ApiObject.of(job as any).toJson();
  }

  private constructor() {}
}

/** Stand-ins for the agent's name and image in a fleet's prototype Job (valid label value and image). */
const PROTOTYPE_NAME = 'agent-trust-prototype-agent';
const PROTOTYPE_IMAGE = 'registry.invalid/agent-trust-prototype:0';

/**
 * The example Jobs of a fleet's templates differ only in the agent's name
 * and image when their props are equal: the cdk8s-plus Job (L2 → L1 →
 * JSON patches → JSON, ~0.6 ms) is synthesized once per fleet and props,
 * with stand-ins, and each agent's JSON is a copy of it with the stand-ins
 * replaced (whole string values only). A template whose `job` was accessed
 * (an escape hatch, a patch) synthesizes its own Job as before; so does one
 * whose props cannot be keyed, or a prototype whose stand-ins appear
 * inside other strings or in keys.
 */
export class JobPrototypes {
  /** The key of a template's props (all but the fleet and the agent), or undefined when they cannot be keyed. */
  public static keyOf(props: object): string | undefined {
    try {
      return JSON.stringify({ ...props, fleet: undefined, agent: undefined });
    } catch {
      return undefined;
    }
  }

  /**
   * The example Job of agent `name` with `image`, from the prototype of
   * `fleet` and `key` (`build` makes the Job in a detached chart); undefined
   * when there is no usable prototype.
   */
  public static jobJson(fleet: AgentFleet, key: string | undefined, name: string, image: string,
    build: (detached: Chart, agentName: string, image: string) => unknown): any {
    if (key === undefined) {
      return undefined;
    }
    let byKey = JobPrototypes.prototypes.get(fleet);
    if (!byKey) {
      byKey = new Map();
      JobPrototypes.prototypes.set(fleet, byKey);
    }
    let prototype = byKey.get(key);
    if (prototype === undefined) {
      const job = TemplateCache.jobJson(build(new Chart(new App(), 'agent-job-template', { disableResourceNameHashes: true }),
        PROTOTYPE_NAME, PROTOTYPE_IMAGE));
      prototype = JobPrototypes.onlyWhole(job) ? job : null;
      byKey.set(key, prototype);
    }
    if (prototype === null) {
      return undefined;
    }
    return JobPrototypes.substitute(prototype, { [PROTOTYPE_NAME]: name, [PROTOTYPE_IMAGE]: image });
  }

  private static readonly prototypes = new WeakMap<AgentFleet, Map<string, any | null>>();

  /** Whether every stand-in in `value` is a whole string value (never part of a longer string, never in a key). */
  private static onlyWhole(value: unknown): boolean {
    const partial = (s: string): boolean => s !== PROTOTYPE_NAME && s !== PROTOTYPE_IMAGE
      && (s.includes(PROTOTYPE_NAME) || s.includes(PROTOTYPE_IMAGE));
    if (typeof value === 'string') {
      return !partial(value);
    }
    if (Array.isArray(value)) {
      return value.every(v => JobPrototypes.onlyWhole(v));
    }
    if (value !== null && typeof value === 'object') {
      return Object.entries(value).every(([k, v]) => !k.includes(PROTOTYPE_NAME) && !k.includes(PROTOTYPE_IMAGE)
        && JobPrototypes.onlyWhole(v));
    }
    return true;
  }

  /** A fresh copy of JSON `value` with each string equal to a key of `by` replaced by its value. */
  private static substitute(value: any, by: { [standIn: string]: string }): any {
    if (typeof value === 'string') {
      return Object.prototype.hasOwnProperty.call(by, value) ? by[value] : value;
    }
    if (Array.isArray(value)) {
      return value.map(v => JobPrototypes.substitute(v, by));
    }
    if (value !== null && typeof value === 'object') {
      const out: any = {};
      for (const k of Object.keys(value)) {
        out[k] = JobPrototypes.substitute(value[k], by);
      }
      return out;
    }
    return value;
  }

  private constructor() {}
}
