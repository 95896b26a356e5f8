import { ApiObject, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ProblemCollector, ResourceQuantity } from '../../model';

/**
 * Cluster-scoped objects must not carry a namespace. cdk8s copies a Chart's
 * `namespace` into every object, cluster-scoped or not, so remove it again.
 * @internal
 */
export function clusterScoped(obj: ApiObject): void {
  if (Chart.of(obj).namespace !== undefined) {
    obj.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
  }
}

/**
 * A quantity for an L1 prop. L1 props typed `Quantity` silently drop a raw
 * string, so always go through `Quantity.fromString`.
 * @internal
 */
export function quantity(text: string): kplus.k8s.Quantity {
  return kplus.k8s.Quantity.fromString(text);
}

/**
 * Record a problem unless `text` is a Kubernetes quantity; returns its value or undefined.
 * @internal
 */
export function checkQuantity(problems: ProblemCollector, path: string, field: string, text: string): number | undefined {
  if (!ResourceQuantity.isValid(text)) {
    problems.add(path, field, text, 'is not a Kubernetes quantity', 'write it like "500m", "2", "1Gi" or "512Mi"');
    return undefined;
  }
  const value = ResourceQuantity.parse(text);
  if (!(value > 0)) {
    problems.add(path, field, text, 'must be greater than zero', 'give a positive amount, e.g. "500m" or "1Gi"');
    return undefined;
  }
  return value;
}

/**
 * `quantity × factor` rendered as a quantity: CPU in millicores, memory in
 * Mi when whole, otherwise in bytes.
 * @internal
 */
export function multiplyQuantity(text: string, factor: number, kind: 'cpu' | 'memory'): string {
  const total = ResourceQuantity.parse(text) * factor;
  if (kind === 'cpu') {
    const millis = Math.round(total * 1000);
    return millis % 1000 === 0 ? `${millis / 1000}` : `${millis}m`;
  }
  const gi = total / 2 ** 30;
  if (Number.isInteger(gi)) {
    return `${gi}Gi`;
  }
  const mi = total / 2 ** 20;
  return Number.isInteger(mi) ? `${mi}Mi` : `${Math.round(total)}`;
}

/** The construct path used in messages. @internal */
export function pathOf(c: Construct): string {
  return c.node.path || c.node.id;
}
