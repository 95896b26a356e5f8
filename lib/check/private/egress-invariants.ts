import { SquidAllowlist } from '../../model/squid-allowlist';
import { VerifyRule } from '../verify-rule';
import { agentPodLabels, contractObject, selects } from './k8s-invariants';
import { objectName, verifiedPhases, show, VerifyContext } from './verify-context';
import { InputRules } from '../../model/private/input-rules';

import { VerifyDefaults } from './verify-defaults';
/** IPv6 blocks shorter than /16 count as internet-wide (`2000::/3` is all global unicast). */
const MIN_EGRESS_PREFIX_V6 = 16;
const DNS_PORT = 53;
/** Cilium entities that stand for addresses outside the cluster. */
const WORLD_ENTITIES = ['world', 'all'];

interface Cidr {
  readonly v6: boolean;
  readonly prefix: number;
}

/** Family and prefix length of a CIDR; undefined when it is not one. */
function parseCidr(value: unknown): Cidr | undefined {
  const text = typeof value === 'string' ? value.trim() : '';
  const v4 = InputRules.parseIpv4Cidr(text);
  if (v4) {
    return { v6: false, prefix: v4[1] };
  }
  const m = /^[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*\/(\d{1,3})$/.exec(text);
  return m && Number(m[1]) <= 128 ? { v6: true, prefix: Number(m[1]) } : undefined;
}

/** Whether NetworkPolicy or Cilium `ports` let traffic reach port 53 (no list, a portless entry, 53, or a range over it). */
function reachesDnsPort(ports: any): boolean {
  if (!Array.isArray(ports) || ports.length === 0) {
    return true;
  }
  return ports.some((p: any) => {
    const port = p?.port;
    if (port === undefined || port === null || port === '0' || port === 0) {
      return true;
    }
    const n = Number(port);
    if (!Number.isInteger(n)) {
      return /dns/i.test(String(port));
    }
    const end = Number(p?.endPort ?? n);
    return n <= DNS_PORT && DNS_PORT <= end;
  });
}

/** Whether every port of a rule is 53 (a DNS-only rule). */
function onlyDnsPorts(ports: any): boolean {
  return Array.isArray(ports) && ports.length > 0
    && ports.every((p: any) => Number(p?.port) === DNS_PORT && (p?.endPort === undefined || Number(p.endPort) === DNS_PORT));
}

/**
 * A NodeLocal DNSCache rule: one link-local address, DNS ports only. The
 * metadata check lets it through; it is the only link-local peer allowed.
 */
export function isDnsCachePeer(rule: any, peer: any): boolean {
  const cidr = parseCidr(peer?.ipBlock?.cidr);
  return !!cidr && !cidr.v6 && cidr.prefix === 32 && onlyDnsPorts(rule?.ports);
}

/** Whether a label selector names at least one label (an empty one selects everything). */
function namesLabels(selector: any): boolean {
  return !!selector && (Object.keys(selector.matchLabels ?? {}).length > 0 || (selector.matchExpressions ?? []).length > 0);
}

/** Whether a NetworkPolicy peer is no wider than DNS pods: labelled pods in a named (or the own) namespace, or one address. */
function narrowDnsPeer(peer: any): boolean {
  if (peer?.ipBlock) {
    const cidr = parseCidr(peer.ipBlock.cidr);
    return !!cidr && cidr.prefix === (cidr.v6 ? 128 : 32);
  }
  return namesLabels(peer?.podSelector) && (peer?.namespaceSelector === undefined || namesLabels(peer.namespaceSelector));
}

/** A Cilium endpoint selector with `k8s:`/`any:` label sources stripped, as a NetworkPolicy selector. */
function plainSelector(selector: any): any {
  const strip = (k: string): string => k.replace(/^(k8s|any):/, '');
  return {
    matchLabels: Object.fromEntries(Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => [strip(k), v])),
    matchExpressions: (selector?.matchExpressions ?? []).map((e: any) => ({ ...e, key: strip(String(e?.key)) })),
  };
}

/**
 * Egress breadth: no phase below the top one reaches the whole internet
 * (an ipBlock, Cilium CIDR or `world` entity wider than the prefix bound,
 * or a rule with no destination), and no phase sends DNS anywhere but to
 * labelled DNS pods or a single cache address.
 */
export function checkEgressBreadth(ctx: VerifyContext): void {
  const minV4 = ctx.minEgressPrefixLength ?? VerifyDefaults.MIN_EGRESS_PREFIX;
  const isWide = (c: Cidr): boolean => c.prefix < (c.v6 ? MIN_EGRESS_PREFIX_V6 : minV4);
  const bound = `shorter than /${minV4} (IPv6: /${MIN_EGRESS_PREFIX_V6})`;
  for (const row of verifiedPhases(ctx.contracts)) {
    const contracts = ctx.contracts.filter(c => c.namespace === row.agentNamespace && row.agents.includes(c.agent));
    const tops = [...new Set(contracts.map(c => c.phases[c.phases.length - 1]?.name))];
    const top = tops.length === 1 && tops[0] === row.name;
    const below = `phase "${row.name}" (below the top phase "${tops.join('", "')}")`;
    const wideFix = 'name the endpoints instead: EgressTarget.hosts([...], ports) with the fleet\'s hostnameEnforcement, or a narrower EgressTarget.cidr; '
      + `if a reviewer accepts it, suppress it by name with a reason: --suppress "${VerifyRule.EGRESS_INTERNET_WIDE.id}@<object>=<reason>"`;
    const dnsFix = 'send DNS only to the cluster DNS pods (PhaseNetworkPolicy.defaultDns()) or one NodeLocal DNSCache address (EgressTarget.nodeLocalDns()); '
      + `if a reviewer accepts it, suppress it by name with a reason: --suppress "${VerifyRule.EGRESS_DNS_WIDE.id}@<object>=<reason>"`;
    const selectsRow = (selector: any): boolean => contracts.some(c => selects(selector, agentPodLabels(c, row.name)));

    for (const np of ctx.manifests.filter(m => m.kind === 'NetworkPolicy' && m.metadata?.namespace === row.agentNamespace)) {
      const types: string[] = np.spec?.policyTypes ?? ['Ingress', ...(np.spec?.egress ? ['Egress'] : [])];
      if (!types.includes('Egress') || !selectsRow(np.spec?.podSelector)) {
        continue;
      }
      const where = objectName(np);
      (np.spec?.egress ?? []).forEach((rule: any, i: number) => {
        const peers: any[] = Array.isArray(rule?.to) ? rule.to : [];
        if (peers.length === 0) {
          if (!top) {
            ctx.report(VerifyRule.EGRESS_INTERNET_WIDE, where, `spec.egress[${i}] has no "to": ${below} reaches every address${rule?.ports ? ' on its ports' : ''}`, wideFix);
          }
          if (reachesDnsPort(rule?.ports)) {
            ctx.report(VerifyRule.EGRESS_DNS_WIDE, where, `spec.egress[${i}] has no "to" and reaches port 53: phase "${row.name}" may query any DNS server`, dnsFix);
          }
          return;
        }
        peers.forEach((peer: any, j: number) => {
          const cidr = peer?.ipBlock ? parseCidr(peer.ipBlock.cidr) : undefined;
          if (!top && cidr && isWide(cidr)) {
            ctx.report(VerifyRule.EGRESS_INTERNET_WIDE, where,
              `spec.egress[${i}].to[${j}].ipBlock.cidr ${show(peer.ipBlock.cidr)} is ${bound}: ${below} reaches the open internet on ${show(rule.ports ?? 'every port')}`,
              wideFix);
          }
          if (reachesDnsPort(rule.ports) && !narrowDnsPeer(peer)) {
            ctx.report(VerifyRule.EGRESS_DNS_WIDE, where,
              `spec.egress[${i}].to[${j}] = ${show(peer)} reaches port 53 beyond labelled DNS pods or one cache address: phase "${row.name}" may query any DNS server there (a tunnel out)`,
              dnsFix);
          }
        });
      });
    }

    for (const cnp of ctx.manifests.filter(m => m.kind === 'CiliumNetworkPolicy' && m.metadata?.namespace === row.agentNamespace)) {
      if (!selectsRow(plainSelector(cnp.spec?.endpointSelector))) {
        continue;
      }
      const where = objectName(cnp);
      (cnp.spec?.egress ?? []).forEach((rule: any, i: number) => {
        const wide: string[] = [];
        (rule?.toCIDR ?? []).forEach((c: unknown, j: number) => {
          const p = parseCidr(c);
          if (p && isWide(p)) {
            wide.push(`toCIDR[${j}] ${show(c)}`);
          }
        });
        (rule?.toCIDRSet ?? []).forEach((s: any, j: number) => {
          const p = parseCidr(s?.cidr);
          if (p && isWide(p)) {
            wide.push(`toCIDRSet[${j}].cidr ${show(s.cidr)}`);
          }
        });
        (rule?.toEntities ?? []).forEach((e: unknown, j: number) => {
          if (WORLD_ENTITIES.includes(String(e))) {
            wide.push(`toEntities[${j}] ${show(e)}`);
          }
        });
        (rule?.toFQDNs ?? []).forEach((f: any, j: number) => {
          if (typeof f?.matchPattern === 'string' && /^\**\.?\**$/.test(f.matchPattern.replace(/\.$/, ''))) {
            wide.push(`toFQDNs[${j}].matchPattern ${show(f.matchPattern)}`);
          }
        });
        const ports = (rule?.toPorts ?? []).flatMap((tp: any) => tp?.ports ?? []);
        for (const w of wide) {
          if (!top) {
            ctx.report(VerifyRule.EGRESS_INTERNET_WIDE, where, `spec.egress[${i}].${w}: ${below} reaches the open internet`, wideFix);
          }
          if (reachesDnsPort(ports)) {
            ctx.report(VerifyRule.EGRESS_DNS_WIDE, where, `spec.egress[${i}].${w} reaches port 53: phase "${row.name}" may query any DNS server there`, dnsFix);
          }
        }
      });
    }
  }
}

/** `hostname:port/PROTOCOL` per grant of a contract phase. */
function contractGrants(row: any): string[] {
  return (row?.egressHostnames ?? []).map((g: any) => `${g.hostname}:${g.port}/${g.protocol}`);
}

/** The grants a CiliumNetworkPolicy's toFQDNs rules allow (names × their rule's ports). */
function ciliumGrants(cnp: any): string[] {
  return (cnp.spec?.egress ?? []).filter((r: any) => Array.isArray(r?.toFQDNs)).flatMap((r: any) => {
    const ports = (r.toPorts ?? []).flatMap((tp: any) => tp?.ports ?? []);
    const names = r.toFQDNs.map((f: any) => String(f?.matchName ?? f?.matchPattern).replace(/\.$/, ''));
    // No ports: every port of the name.
    return names.flatMap((n: string) => (ports.length ? ports.map((p: any) => `${n}:${p.port}/${p.protocol ?? 'ANY'}`) : [`${n}:*`]));
  });
}

/**
 * The grants a Squid configuration written by `SquidAllowlist` allows per
 * phase (port name), read back from its ACLs; `unknown` lists allow rules
 * of any other form (they could allow anything).
 */
function squidGrants(conf: string): { grants: Map<string, string[]>; unknown: string[] } {
  const grants = new Map<string, string[]>();
  const acls = new Map<string, string[]>();
  const unknown: string[] = [];
  const lines = conf.split('\n').map(l => l.trim()).filter(l => l && !l.startsWith('#'));
  for (const line of lines) {
    const m = /^acl (host(?:s|re)_(.+)_(\d+)) (dstdomain|dstdom_regex)((?: -[ni])*) (.+)$/.exec(line);
    if (m) {
      const names = m[6].split(/\s+/).map(v => (m[4] === 'dstdomain' ? v : v.replace(/^\^\[\^\.\]\+/, '*').replace(/\$$/, '').replace(/\\\./g, '.')));
      acls.set(m[1], names.map(n => `${n}:${m[3]}/TCP`));
    }
  }
  for (const line of lines.filter(l => l.startsWith('http_access allow'))) {
    const m = /^http_access allow phase_(\S+) port_(\d+) (host(?:s|re)_(\S+)_(\d+))$/.exec(line);
    if (!m || m[1] !== m[4] || m[2] !== m[5] || !acls.has(m[3])) {
      unknown.push(line);
      continue;
    }
    grants.set(m[1], [...(grants.get(m[1]) ?? []), ...acls.get(m[3])!]);
  }
  const last = lines.filter(l => l.startsWith('http_access')).pop();
  if (last !== 'http_access deny all') {
    unknown.push(`last http_access is ${show(last)}, not "http_access deny all"`);
  }
  return { grants, unknown };
}

/**
 * Hostname enforcement: what the egress proxy's allowlist or the Cilium
 * policies allow each phase is exactly what its contract grants (a reviewer
 * signs the contract; the proxy or Cilium enforces the other).
 */
export function checkHostnameEnforcement(ctx: VerifyContext): void {
  const fix = 'regenerate the allowlist and the policies from the same synth as the contract; never edit them by hand';
  for (const c of ctx.contracts) {
    const kind = c.hostnameEnforcement;
    const phases = c.phases ?? [];
    if (kind === 'cilium') {
      for (const row of phases) {
        const labels = agentPodLabels(c, row.name);
        const granted = ctx.manifests.filter(m => m.kind === 'CiliumNetworkPolicy' && m.metadata?.namespace === c.namespace
          && selects(plainSelector(m.spec?.endpointSelector), labels)).flatMap(ciliumGrants);
        compare(ctx, `Namespace ${c.namespace} phase ${row.name} (CiliumNetworkPolicy toFQDNs)`, contractGrants(row), granted, fix);
      }
    } else if (kind === 'egress-proxy') {
      const cm = ctx.manifests.find(m => m.kind === 'ConfigMap' && m.metadata?.labels?.['agent-trust.io/agent-namespace'] === c.namespace
        && typeof m.data?.[SquidAllowlist.CONFIG_KEY] === 'string');
      if (!cm) {
        ctx.report(VerifyRule.EGRESS_HOSTNAMES_UNENFORCED, contractObject(c),
          'the contract enforces hostnames through an egress proxy, but no allowlist ConfigMap (label agent-trust.io/agent-namespace, key squid.conf) is in the output',
          'emit EgressProxyAllowlist (AgentKubernetesTrust does when the fleet uses an egress proxy)');
        continue;
      }
      const where = objectName(cm);
      const squid = squidGrants(cm.data[SquidAllowlist.CONFIG_KEY]);
      for (const line of squid.unknown) {
        ctx.report(VerifyRule.EGRESS_HOSTNAMES_UNENFORCED, where, `squid.conf has an access rule the allowlist format does not produce: ${line}`, fix);
      }
      for (const row of phases) {
        const hosts = String(cm.data?.[SquidAllowlist.hostsKey(row.name)] ?? '').split('\n').map((l: string) => l.trim()).filter((l: string) => l);
        compare(ctx, `${where} ${SquidAllowlist.hostsKey(row.name)}`, contractGrants(row), hosts, fix);
        compare(ctx, `${where} squid.conf phase ${row.name}`, contractGrants(row), squid.grants.get(row.name) ?? [], fix);
      }
    }
  }
}

function compare(ctx: VerifyContext, where: string, contract: string[], enforced: string[], fix: string): void {
  const extra = [...new Set(enforced.filter(g => !contract.includes(g)))];
  const missing = [...new Set(contract.filter(g => !enforced.includes(g)))];
  if (extra.length > 0) {
    ctx.report(VerifyRule.EGRESS_HOSTNAMES_UNENFORCED, where,
      `allows ${extra.map(x => show(x)).join(', ')}, which the launcher contract does not grant the phase (a reviewer never saw it)`, fix);
  }
  if (missing.length > 0) {
    ctx.report(VerifyRule.EGRESS_HOSTNAMES_UNENFORCED, where,
      `does not allow ${missing.map(x => show(x)).join(', ')}, which the launcher contract grants the phase`, fix);
  }
}
