import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, Chart, IResolver, JsonPatch, ResolutionContext, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { ResourceQuantity } from '../../model';
import { HelmText } from '../../model/private/helm-text';

/** The launcher's ServiceAccount name when `LauncherAccess` is given none (the Job policy's default creator). */
export const DEFAULT_LAUNCHER_NAME = 'agent-launcher';

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

const GUARDED = new WeakSet<Construct>();

/** Escapes `{{` in every string value for a Helm chart's templates. */
class HelmEscapeResolver implements IResolver {
  public resolve(context: ResolutionContext): void {
    if (typeof context.value === 'string' && HelmText.hasUnescaped(context.value)) {
      context.replaceValue(HelmText.escape(context.value));
    }
  }
}

/**
 * Fail synth, naming both construct paths, when two objects of the app
 * would be written to the same file by the app's YAML output type:
 * `FILE_PER_RESOURCE` names each file `<kind>.<metadata.name>` (no
 * namespace, no chart) and `FOLDER_PER_CHART_FILE_PER_RESOURCE` does so per
 * chart, so equal names silently overwrite each other. Registered once per
 * app by every construct of this library, which also escapes Helm template
 * braces when the app synthesizes into a Helm chart (`isHelmTemplates`).
 * @internal
 */
export function guardOutput(scope: Construct): void {
  const root = scope.node.root;
  if (!(root instanceof App) || GUARDED.has(root)) {
    return;
  }
  GUARDED.add(root);
  if (isHelmTemplates(root)) {
    // Helm would execute every `{{` of the manifests: escape them in every string of every object.
    root.resolvers.push(new HelmEscapeResolver());
  }
  root.node.addValidation({
    validate: () => {
      const type = root.yamlOutputType;
      if (type !== YamlOutputType.FILE_PER_RESOURCE && type !== YamlOutputType.FOLDER_PER_CHART_FILE_PER_RESOURCE) {
        return [];
      }
      const byFile = new Map<string, ApiObject[]>();
      for (const obj of root.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject)) {
        // The file name cdk8s derives (node_modules/cdk8s/lib/app.js).
        const file = `${obj.kind}.${obj.name}`.replace(/[^0-9a-zA-Z-_.]/g, '');
        const key = type === YamlOutputType.FILE_PER_RESOURCE ? file : `${Chart.of(obj).node.path}/${file}`;
        byFile.set(key, [...(byFile.get(key) ?? []), obj]);
      }
      return [...byFile.entries()].filter(([, objs]) => objs.length > 1).map(([file, objs]) =>
        `${objs.map(o => pathOf(o)).join(' and ')}: ${objs.length} objects would be written to the same file ${file}${root.outputFileExtension} `
        + `by YamlOutputType.${YamlOutputType[type]}, and all but the last would be lost. Fix: give them distinct names, `
        + 'or synthesize with YamlOutputType.FILE_PER_CHART or FILE_PER_APP');
    },
  });
}

/**
 * Whether the app synthesizes into a Helm chart's `templates/` folder
 * (`cdk8s synth --format helm` runs the app with CDK8S_OUTDIR set to
 * `<chart>/templates` after writing `<chart>/Chart.yaml`).
 * @internal
 */
export function isHelmTemplates(scope: Construct): boolean {
  const root = scope.node.root;
  return root instanceof App && path.basename(path.resolve(root.outdir)) === 'templates'
    && fs.existsSync(path.join(root.outdir, '..', 'Chart.yaml'));
}
