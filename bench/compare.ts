/**
 * Output comparison for the benchmark and its equality test: two syntheses
 * are equal when they hold the same objects, whatever the order.
 */

/** JSON with object keys sorted at every level (array order kept). */
export function canonicalJson(value: any): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: any): any {
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === 'object') {
    const out: { [k: string]: any } = {};
    for (const k of Object.keys(value).sort()) {
      out[k] = sortKeys(value[k]);
    }
    return out;
  }
  return value;
}

/** Identity of a Kubernetes object: kind/namespace/name. */
export function k8sKey(o: any): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
}

/** Count of objects per kind, sorted by kind. */
export function kindCounts(objects: any[]): { [kind: string]: number } {
  const counts: { [kind: string]: number } = {};
  for (const o of objects) {
    counts[o.kind] = (counts[o.kind] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Kubernetes objects as canonical JSON lines sorted by identity. */
export function canonicalK8s(objects: any[]): string[] {
  return [...objects].sort((a, b) => k8sKey(a).localeCompare(k8sKey(b))).map(canonicalJson);
}

/** Terraform resources as `type.logicalId` → canonical JSON, plus the other top-level blocks. */
export function canonicalTerraform(tf: any): string[] {
  const lines: string[] = [];
  for (const [block, body] of Object.entries<any>(tf)) {
    if (block === 'resource' || block === 'data') {
      for (const [type, byId] of Object.entries<any>(body)) {
        for (const [id, res] of Object.entries<any>(byId)) {
          lines.push(`${block}.${type}.${id} ${canonicalJson(res)}`);
        }
      }
    } else {
      lines.push(`${block} ${canonicalJson(body)}`);
    }
  }
  return lines.sort();
}

/** Count of Terraform resources per type. */
export function resourceCounts(tf: any): { [type: string]: number } {
  const counts: { [type: string]: number } = {};
  for (const [type, byId] of Object.entries<any>(tf.resource ?? {})) {
    counts[type] = Object.keys(byId).length;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** Number of Terraform resources. */
export function resourceCount(tf: any): number {
  return Object.values<any>(tf.resource ?? {}).reduce((n, byId) => n + Object.keys(byId).length, 0);
}

/** The first differing lines of two canonical outputs (empty when equal). */
export function firstDifferences(a: string[], b: string[], max = 3): string[] {
  const setA = new Set(a);
  const setB = new Set(b);
  const onlyA = a.filter(x => !setB.has(x));
  const onlyB = b.filter(x => !setA.has(x));
  // Show each side around the first character where the first pair differs.
  const at = onlyA.length && onlyB.length ? [...onlyA[0]].findIndex((c, i) => c !== onlyB[0][i]) : 0;
  const from = Math.max(0, at - 150);
  return [
    ...onlyA.slice(0, max).map(x => `library only:  …${x.slice(from, from + 400)}`),
    ...onlyB.slice(0, max).map(x => `baseline only: …${x.slice(from, from + 400)}`),
  ];
}
