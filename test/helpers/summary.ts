import { createHash } from 'crypto';
import { canonical } from './canonical';

/**
 * One line per object: `apiVersion/kind namespace/name digest`, the digest
 * over the object's canonical JSON. As a snapshot it pins every byte of
 * every object in a few lines and names the object that changed; the
 * tests assert the fields that matter directly.
 */
export function objectDigests(objects: any[]): string[] {
  return objects.map(o => `${o.apiVersion}/${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name} `
    + createHash('sha256').update(canonical(o)).digest('hex').slice(0, 16));
}

/** Every rule of every Role and ClusterRole, one readable line each: `Kind ns/name: groups resources[names] verbs`. */
export function rbacLines(objects: any[]): string[] {
  return objects.filter(o => o.kind === 'Role' || o.kind === 'ClusterRole').flatMap(r => (r.rules ?? []).map((rule: any) =>
    `${r.kind} ${r.metadata.namespace ?? '-'}/${r.metadata.name}: [${(rule.apiGroups ?? []).join(',')}] `
    + `${(rule.resources ?? []).join(',')}${rule.resourceNames ? `[${rule.resourceNames.join(',')}]` : ''} ${(rule.verbs ?? []).join(',')}`));
}

/** Each admission policy's shape in one line: name, match resources, validation count, variables. */
export function admissionPolicyLines(objects: any[]): string[] {
  return objects.filter(o => o.kind === 'ValidatingAdmissionPolicy').map(p => {
    const rules = (p.spec.matchConstraints?.resourceRules ?? [])
      .map((r: any) => `${(r.operations ?? []).join('+')} ${(r.resources ?? []).join(',')}`).join('; ');
    return `${p.metadata.name}: ${rules} | ${p.spec.validations?.length ?? 0} validations | variables ${(p.spec.variables ?? []).map((v: any) => v.name).join(',')}`
      + ` | ${p.spec.failurePolicy}`;
  });
}
