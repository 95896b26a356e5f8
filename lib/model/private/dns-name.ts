/**
 * Hostname rules for hostname egress (`EgressTarget.hosts`): RFC 1123 names
 * in lower case, or one leading `*` label standing for exactly one label
 * (Cilium `matchPattern` `*.example.com` semantics). Kept in one place so the
 * model, the Squid allowlist and the Cilium policy agree on what a name means.
 */

/** What is wrong with a hostname, and the fix; undefined when it is valid. */
export interface HostnameFault {
  readonly message: string;
  readonly hint: string;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Names that resolve to cloud metadata or in-cluster services: never hostname egress. */
const FORBIDDEN_SUFFIXES = ['cluster.local', 'svc'];
const METADATA_NAMES = ['metadata.google.internal', 'metadata.goog', 'instance-data.ec2.internal', 'metadata.azure.com'];

/** Whether `name` is a one-label wildcard such as `*.example.com`. */
export function isWildcard(name: string): boolean {
  return name.startsWith('*.');
}

/** The problem with `name` as an egress hostname, if any. */
export function hostnameFault(name: unknown): HostnameFault | undefined {
  if (typeof name !== 'string' || name === '') {
    return { message: 'is not a hostname', hint: 'write a DNS name such as "api.openai.com"' };
  }
  if (name !== name.toLowerCase()) {
    return { message: 'has upper-case letters', hint: `write it in lower case: ${JSON.stringify(name.toLowerCase())}` };
  }
  if (name.endsWith('.')) {
    return { message: 'ends with a dot', hint: `drop the trailing dot: ${JSON.stringify(name.replace(/\.+$/, ''))}` };
  }
  if (name.length > 253) {
    return { message: `is ${name.length} characters long; a DNS name has at most 253`, hint: 'use the real hostname of the endpoint' };
  }
  const wildcard = isWildcard(name);
  const labels = (wildcard ? name.slice(2) : name).split('.');
  if (name.includes('*') && (!wildcard || labels.some(l => l.includes('*')))) {
    return {
      message: 'has a wildcard that is not one whole leading label',
      hint: 'use "*." only at the start, standing for exactly one label (e.g. "*.s3.eu-west-1.amazonaws.com"), or list the names',
    };
  }
  const bad = labels.find(l => !LABEL.test(l));
  if (bad !== undefined) {
    return {
      message: `has the label ${JSON.stringify(bad)}, which is not a DNS label (a-z, 0-9 and "-", 1-63 characters, no "-" at either end)`,
      hint: 'write an RFC 1123 hostname such as "api.openai.com"',
    };
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) {
    return { message: 'is an IP address, not a hostname', hint: 'reach an address with EgressTarget.cidr("a.b.c.d/32", ports)' };
  }
  if (labels.length < 2) {
    return {
      message: wildcard ? 'is a wildcard over a whole top-level domain' : 'is a single label, which resolves through the cluster search domains',
      hint: wildcard ? 'name at least a registrable domain after "*.", e.g. "*.example.com"' : 'write the fully qualified name, e.g. "api.example.com"',
    };
  }
  if (FORBIDDEN_SUFFIXES.some(s => name === s || name.endsWith(`.${s}`))) {
    return { message: 'is an in-cluster service name', hint: 'reach in-cluster services with EgressTarget.inCluster(namespace, podLabels, ports)' };
  }
  if (METADATA_NAMES.includes(name) || (wildcard && METADATA_NAMES.some(m => m.endsWith(`.${name.slice(2)}`)))) {
    return { message: 'names a cloud metadata endpoint', hint: 'agents must never reach cloud metadata; remove it' };
  }
  return undefined;
}
