import { KubernetesRule } from '../kubernetes-rule';

/**
 * A quick, sufficient test for "this phase grants at least what the phase
 * below grants": a phase that repeats every rule of the phase below (as the
 * standard ladder's phases do, by spreading the lower phase's rules) holds
 * every grant of it, without flattening both into permission sets. When it
 * answers false, the caller runs the exact comparison.
 */
export class RuleCoverage {
  /** Whether every rule of `lower` is also a rule of `higher` (the same object, or the same fields in the same order). */
  public static repeatsAll(higher: KubernetesRule[], lower: KubernetesRule[]): boolean {
    const objects = new Set(higher);
    let keys: Set<string> | undefined;
    return lower.every(rule => {
      if (objects.has(rule)) {
        return true;
      }
      keys ??= new Set(higher.map(r => RuleCoverage.key(r)));
      return keys.has(RuleCoverage.key(rule));
    });
  }

  /** The rule's grants as text: no or empty resourceNames both mean every name. */
  private static key(rule: KubernetesRule): string {
    return JSON.stringify([rule.clusterScoped === true, rule.apiGroups, rule.resources, rule.verbs,
      rule.resourceNames?.length ? rule.resourceNames : []]);
  }

  private constructor() {}
}
