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
 * with stand-ins, and each agent's JSON is that text with the stand-ins
 * replaced (whole JSON strings only). A template whose `job` was accessed
 * (an escape hatch, a patch) synthesizes its own Job as before; so does one
 * whose props cannot be keyed, or a prototype whose stand-ins appear
 * inside other strings.
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
    let byKey = JobPrototypes.texts.get(fleet);
    if (!byKey) {
      byKey = new Map();
      JobPrototypes.texts.set(fleet, byKey);
    }
    let text = byKey.get(key);
    if (text === undefined) {
      const job = build(new Chart(new App(), 'agent-job-template', { disableResourceNameHashes: true }), PROTOTYPE_NAME, PROTOTYPE_IMAGE);
      const json = JSON.stringify(TemplateCache.jobJson(job));
      // Every stand-in a whole string value (never part of a longer string, never a key: keys are sorted).
      const whole = (s: string): boolean => json.split(s).length === json.split(JSON.stringify(s)).length
        && !json.includes(`${JSON.stringify(s)}:`);
      text = whole(PROTOTYPE_NAME) && whole(PROTOTYPE_IMAGE) ? json : null;
      byKey.set(key, text);
    }
    if (text === null) {
      return undefined;
    }
    return JSON.parse(text.split(JSON.stringify(PROTOTYPE_NAME)).join(JSON.stringify(name))
      .split(JSON.stringify(PROTOTYPE_IMAGE)).join(JSON.stringify(image)));
  }

  private static readonly texts = new WeakMap<AgentFleet, Map<string, string | null>>();

  private constructor() {}
}
