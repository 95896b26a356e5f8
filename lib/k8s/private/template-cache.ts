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
/** What `substitute` returns for a prototype whose stand-ins cannot be replaced as whole strings. */
const UNUSABLE = Symbol('unusable prototype');

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
    const prototype = byKey.get(key);
    if (prototype === undefined) {
      const job = TemplateCache.jobJson(build(new Chart(new App(), 'agent-job-template', { disableResourceNameHashes: true }),
        PROTOTYPE_NAME, PROTOTYPE_IMAGE));
      // The first copy also proves the prototype usable: a stand-in inside a longer string or a key makes it unusable.
      const first = JobPrototypes.substitute(job, name, image);
      byKey.set(key, first === UNUSABLE ? null : job);
      return first === UNUSABLE ? undefined : first;
    }
    return prototype === null ? undefined : JobPrototypes.substitute(prototype, name, image);
  }

  private static readonly prototypes = new WeakMap<AgentFleet, Map<string, any | null>>();

  /**
   * A fresh copy of JSON `value` with each string equal to a stand-in
   * replaced by `name` or `image`; `UNUSABLE` when a stand-in appears inside
   * a longer string or in an object key (it could not be replaced safely).
   */
  private static substitute(value: any, name: string, image: string): any {
    if (typeof value === 'string') {
      if (value === PROTOTYPE_NAME) {
        return name;
      }
      if (value === PROTOTYPE_IMAGE) {
        return image;
      }
      return JobPrototypes.holdsStandIn(value) ? UNUSABLE : value;
    }
    if (Array.isArray(value)) {
      const out = new Array(value.length);
      for (let i = 0; i < value.length; i++) {
        const v = JobPrototypes.substitute(value[i], name, image);
        if (v === UNUSABLE) {
          return UNUSABLE;
        }
        out[i] = v;
      }
      return out;
    }
    if (value !== null && typeof value === 'object') {
      const out: any = {};
      for (const k of Object.keys(value)) {
        const v = JobPrototypes.substitute(value[k], name, image);
        if (v === UNUSABLE || JobPrototypes.holdsStandIn(k)) {
          return UNUSABLE;
        }
        out[k] = v;
      }
      return out;
    }
    return value;
  }

  private static holdsStandIn(text: string): boolean {
    return text.includes(PROTOTYPE_NAME) || text.includes(PROTOTYPE_IMAGE);
  }

  private constructor() {}
}
