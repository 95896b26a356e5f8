import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { defaultChart } from '../../examples/default/k8s';
import { defaultFleet, defaultFleetProps } from '../../examples/default/fleet';
import { customLadderChart } from '../../examples/custom-ladder/k8s';
import { customLadderFleet } from '../../examples/custom-ladder/fleet';
import { AgentKubernetesTrust, EgressProxyAllowlist, PhaseCiliumNetworkPolicy, PhaseNetworkPolicy } from '../../lib/k8s';
import { AgentFleet, Domain, EgressTarget, HostnameEnforcement, PhaseHostnames, SquidAllowlist, TrustPhase } from '../../lib/model';
import { validateManifest } from '../helpers/k8s-schema';
import { fleetProps, testChart } from '../helpers/k8s-fixtures';
import { problemsOf } from '../helpers/problems';
import { InputRules } from '../../lib/model/private/input-rules';

const synth = (build: (app: App) => Chart): any[] => Testing.synth(build(Testing.app()));

describe('default example: hostnames instead of the open internet', () => {
  // Every phase rendered (renderAllPhases), so each phase's port and names are checked.
  const fleet = new AgentFleet({ ...defaultFleetProps(), renderAllPhases: true });
  const manifests = synth(app => defaultChart(app, fleet));
  const policies = manifests.filter(m => m.kind === 'NetworkPolicy');

  test('as shipped (ceiling read-only) the proxy serves only the rendered phases: no port or names for limited-write or autonomous', () => {
    const shipped = synth(defaultChart).find(m => m.metadata?.name === 'agents-egress-allowlist');
    expect(Object.keys(shipped.data).sort()).toEqual(['read-only.hosts', 'shadow.hosts', 'squid.conf']);
    expect(shipped.data['squid.conf']).not.toMatch(/limited-write|autonomous/);
  });

  test('no NetworkPolicy rule reaches 0.0.0.0/0, nor any block wider than a /16', () => {
    const blocks = policies.flatMap(p => (p.spec.egress ?? []).flatMap((r: any) => (r.to ?? []).filter((t: any) => t.ipBlock).map((t: any) => t.ipBlock.cidr)));
    expect(blocks.length).toBeGreaterThan(0);
    for (const cidr of blocks) {
      expect(InputRules.parseIpv4Cidr(cidr)![1]).toBeGreaterThanOrEqual(16);
    }
    expect(JSON.stringify(policies)).not.toContain('0.0.0.0/0');
    // Every rule names its destinations.
    expect(policies.flatMap(p => p.spec.egress ?? []).every((r: any) => Array.isArray(r.to) && r.to.length > 0)).toBe(true);
  });

  test('DNS egress selects only the kube-dns pods in kube-system', () => {
    for (const p of policies.filter(x => x.metadata.name.startsWith('agent-phase-'))) {
      const dns = p.spec.egress.filter((r: any) => (r.ports ?? []).some((port: any) => port.port === 53));
      expect(dns).toEqual([{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
      }]);
    }
  });

  test('each phase with hostnames reaches the egress proxy on its own port only; the hostnames are not in any NetworkPolicy', () => {
    for (const [rank, phase] of fleet.ladder.phases.entries()) {
      const p = policies.find(x => x.metadata.name === `agent-phase-${phase.name}`);
      const toProxy = p.spec.egress.filter((r: any) => r.to[0].namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] === 'egress-proxy');
      expect(toProxy).toEqual([{
        to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'egress-proxy' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'egress-proxy' } } }],
        ports: [{ port: 3128 + rank, protocol: 'TCP' }],
      }]);
    }
    expect(JSON.stringify(policies)).not.toContain('amazonaws.com');
    expect(manifests.filter(m => m.kind === 'CiliumNetworkPolicy')).toEqual([]);
  });

  test('the proxy allowlist ConfigMap holds each phase\'s exact hostnames, and the contract lists the same with the proxy URL', () => {
    const cm = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === 'agents-egress-allowlist');
    expect(cm.metadata.namespace).toBe('egress-proxy');
    expect(cm.data['shadow.hosts']).toBe('api.openai.com:443/TCP\n');
    expect(cm.data['read-only.hosts'].trim().split('\n')).toEqual([
      '*.s3.eu-west-1.amazonaws.com:443/TCP', 'api.openai.com:443/TCP', 'ec2.eu-west-1.amazonaws.com:443/TCP',
      'logs.eu-west-1.amazonaws.com:443/TCP', 'monitoring.eu-west-1.amazonaws.com:443/TCP',
    ]);
    const contract = JSON.parse(manifests.find(m => m.metadata.name === 'diagnostics-launcher-contract').data['contract.json']);
    expect(contract.hostnameEnforcement).toBe('egress-proxy');
    for (const [rank, row] of contract.phases.entries()) {
      expect(row.egressHostnames.map((g: any) => `${g.hostname}:${g.port}/${g.protocol}`).join('\n') + '\n').toBe(cm.data[`${row.name}.hosts`]);
      expect(row.egressProxy).toBe(`http://egress-proxy.egress-proxy.svc:${3128 + rank}`);
    }
  });

  test('the Squid configuration: one port per phase, a phase\'s names only on its port, everything else denied', () => {
    const conf = SquidAllowlist.render(fleet);
    expect(conf.split('\n').filter(l => l.startsWith('http_port'))).toEqual([
      'http_port 3128 name=shadow', 'http_port 3129 name=read-only', 'http_port 3130 name=limited-write', 'http_port 3131 name=autonomous',
    ]);
    expect(conf).toContain('acl hosts_shadow_443 dstdomain -n api.openai.com\n');
    expect(conf).toContain('acl hostre_read-only_443 dstdom_regex -n -i ^[^.]+\\.s3\\.eu-west-1\\.amazonaws\\.com$\n');
    // The last access rule denies: a request matching no allow is refused.
    expect(conf.split('\n').filter(l => l.startsWith('http_access')).pop()).toBe('http_access deny all');
    // Each allow names the phase's own port ACL.
    for (const line of conf.split('\n').filter(l => l.startsWith('http_access allow'))) {
      const [, , phaseAcl, , hostsAcl] = line.split(' ');
      expect(hostsAcl).toMatch(new RegExp(`^host(s|re)_${phaseAcl.replace('phase_', '')}_\\d+$`));
    }
  });
});

/** Whether a squid binary is on PATH (installed with `apt-get install squid`); CI images without it skip the live checks. */
const squid = (() => {
  try {
    execFileSync('squid', ['-v'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();

// CI installs squid (.ci/run), so there a missing binary is a failure, not a skip.
if (!squid && process.env.CI) {
  throw new Error('squid is not installed but CI is set: .ci/run installs it with apt-get install squid');
}
(squid ? describe : describe.skip)('the Squid configuration, run by Squid (needs the squid binary)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'squid-'));
  fs.chmodSync(dir, 0o777);
  fs.writeFileSync(path.join(dir, 'allow.conf'), SquidAllowlist.render(new AgentFleet({ ...defaultFleetProps(), renderAllPhases: true })));
  // Test-only settings: no DNS server (an allowed name fails to resolve: 503; a denied one is 403 before any lookup).
  fs.writeFileSync(path.join(dir, 'run.conf'), [`pid_filename ${dir}/squid.pid`, `cache_log ${dir}/cache.log`, 'access_log none',
    'dns_nameservers 127.0.0.1', 'dns_timeout 2 seconds', 'shutdown_lifetime 0 seconds', `include ${dir}/allow.conf`, ''].join('\n'));

  test('squid -k parse accepts it', () => {
    expect(() => execFileSync('squid', ['-k', 'parse', '-f', path.join(dir, 'run.conf')], { stdio: 'pipe' })).not.toThrow();
  });

  test('a phase may CONNECT to its own names on its own port; any other name, or a higher phase\'s name, gets 403', async () => {
    const proc = spawn('squid', ['-N', '-f', path.join(dir, 'run.conf')], { stdio: 'ignore' });
    try {
      const status = async (port: number, host: string): Promise<number> => {
        for (let attempt = 0; attempt < 50; attempt++) {
          const code = await new Promise<number>(resolve => {
            const socket = require('net').connect(port, '127.0.0.1', () => socket.write(`CONNECT ${host}:443 HTTP/1.1\r\nHost: ${host}:443\r\n\r\n`));
            socket.setTimeout(8000, () => { socket.destroy(); resolve(-1); });
            socket.on('data', (d: Buffer) => { socket.destroy(); resolve(Number(/^HTTP\/1\.\d (\d{3})/.exec(d.toString())?.[1] ?? 0)); });
            socket.on('error', () => resolve(0));
          });
          if (code !== 0) {
            return code;
          }
          await new Promise(r => setTimeout(r, 200)); // squid still starting
        }
        return 0;
      };
      // shadow (3128) has only the LLM API.
      expect(await status(3128, 'api.openai.com')).not.toBe(403);
      expect(await status(3128, 'ec2.eu-west-1.amazonaws.com')).toBe(403);
      expect(await status(3128, 'x.s3.eu-west-1.amazonaws.com')).toBe(403);
      // read-only (3129) adds the cloud names; the wildcard is exactly one label.
      expect(await status(3129, 'ec2.eu-west-1.amazonaws.com')).not.toBe(403);
      expect(await status(3129, 'bucket.s3.eu-west-1.amazonaws.com')).not.toBe(403);
      expect(await status(3129, 'a.b.s3.eu-west-1.amazonaws.com')).toBe(403);
      expect(await status(3129, 's3.eu-west-1.amazonaws.com')).toBe(403);
      expect(await status(3129, 'exfil.example.com')).toBe(403);
      expect(await status(3129, '203.0.113.7')).toBe(403);
    } finally {
      proc.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('Cilium: a CiliumNetworkPolicy per phase with toFQDNs for exactly its hostnames', () => {
  const fleet = new AgentFleet({
    ...fleetProps(),
    hostnameEnforcement: HostnameEnforcement.cilium(),
    domains: [
      { domain: Domain.DATABASE, egress: [EgressTarget.cidr('10.30.0.0/16', [{ port: 5432 }])] },
      { domain: Domain.LLM, egress: [EgressTarget.hosts(['api.openai.com', 'api.anthropic.com'], [{ port: 443 }])] },
      { domain: Domain.CLOUD, egress: [EgressTarget.hosts(['*.s3.eu-west-1.amazonaws.com', 'ec2.eu-west-1.amazonaws.com'], [{ port: 443 }, { port: 8443 }])] },
    ],
  });
  const chart = testChart();
  for (const phase of fleet.ladder.phases) {
    new PhaseNetworkPolicy(chart, `Network-${phase.name}`, { fleet, phase });
  }
  const manifests = Testing.synth(chart);
  const cnps = manifests.filter(m => m.kind === 'CiliumNetworkPolicy');

  test('one per phase, each schema-valid against Cilium\'s CRD schema (v2)', () => {
    expect(cnps.map(c => c.metadata.name)).toEqual(fleet.ladder.phases.map(p => `agent-phase-${p.name}-fqdn`));
    for (const c of cnps) {
      expect(() => validateManifest(c)).not.toThrow();
    }
  });

  test('toFQDNs lists exactly the phase\'s hostnames, each on exactly its ports', () => {
    for (const phase of fleet.ladder.phases) {
      const cnp = cnps.find(c => c.metadata.name === `agent-phase-${phase.name}-fqdn`);
      expect(cnp.spec.endpointSelector).toEqual({ matchLabels: { 'trust-phase': phase.name } });
      const granted = cnp.spec.egress.filter((r: any) => r.toFQDNs).flatMap((r: any) => r.toFQDNs.flatMap((f: any) =>
        r.toPorts[0].ports.map((p: any) => `${f.matchName ?? f.matchPattern}:${p.port}/${p.protocol}`))).sort();
      expect(granted).toEqual(PhaseHostnames.of(fleet, phase).map(PhaseHostnames.describe).sort());
    }
    const readOnly = cnps.find(c => c.metadata.name === 'agent-phase-read-only-fqdn');
    // One rule per distinct port set: the cloud names on 443 and 8443, the LLM names on 443 only.
    expect(readOnly.spec.egress.slice(1)).toEqual([
      { toFQDNs: [{ matchPattern: '*.s3.eu-west-1.amazonaws.com' }, { matchName: 'ec2.eu-west-1.amazonaws.com' }],
        toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }, { port: '8443', protocol: 'TCP' }] }] },
      { toFQDNs: [{ matchName: 'api.anthropic.com' }, { matchName: 'api.openai.com' }], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] },
    ]);
  });

  test('the DNS rule goes to the cluster DNS pods only, through Cilium\'s DNS proxy', () => {
    for (const c of cnps) {
      expect(c.spec.egress[0]).toEqual({
        toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
        toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }, { port: '53', protocol: 'TCP' }], rules: { dns: [{ matchPattern: '*' }] } }],
      });
    }
  });

  test('the NetworkPolicy default-deny stays and carries no hostname, no proxy and no wide block', () => {
    const nps = manifests.filter(m => m.kind === 'NetworkPolicy');
    expect(nps).toHaveLength(4);
    for (const np of nps) {
      expect(np.spec.policyTypes).toEqual(['Ingress', 'Egress']);
      expect(JSON.stringify(np)).not.toMatch(/amazonaws|openai|anthropic|0\.0\.0\.0/);
      validateManifest(np);
    }
  });

  test('the schema refuses what Cilium\'s CRD refuses: a negative port, an unknown field, a name with a space, name and pattern together', () => {
    const good = cnps[0];
    const bad = (edit: (c: any) => void): any => { const c = JSON.parse(JSON.stringify(good)); edit(c); return c; };
    // (The CRD's port pattern is unanchored on one side, so it lets "70000" through; Cilium's agent checks the range.)
    expect(() => validateManifest(bad(c => { c.spec.egress[1].toPorts[0].ports[0].port = '-1'; }))).toThrow(/pattern/);
    expect(() => validateManifest(bad(c => { c.spec.egress[1].toPorts[0].ports[0].protocol = 'ICMP'; }))).toThrow(/allowed values/);
    expect(() => validateManifest(bad(c => { c.spec.egress[1].toFQDN = c.spec.egress[1].toFQDNs; }))).toThrow(/additional properties/);
    expect(() => validateManifest(bad(c => { c.spec.egress[1].toFQDNs[0] = { matchName: 'a b.com' }; }))).toThrow(/pattern/);
    expect(() => validateManifest(bad(c => { c.spec.egress[1].toFQDNs[0] = { matchName: 'a.com', matchPattern: '*.a.com' }; }))).toThrow(/oneOf/);
    expect(() => validateManifest(bad(c => { delete c.spec.endpointSelector; }))).toThrow(/oneOf/);
  });

  test('the custom-ladder example (Cilium) gives each phase that reaches the LLM its own policy', () => {
    const out = synth(customLadderChart);
    const fleetC = customLadderFleet();
    const names = out.filter(m => m.kind === 'CiliumNetworkPolicy').map(m => m.metadata.name);
    expect(names).toEqual(fleetC.renderedPhases.filter(p => PhaseHostnames.of(fleetC, p).length > 0).map(p => `agent-phase-${p.name}-fqdn`));
    expect(names.length).toBeGreaterThan(0);
  });

  test('misuse is refused: a Cilium policy for a proxy fleet, or for a phase without hostnames; an allowlist without a proxy', () => {
    const proxyFleet = defaultFleet();
    expect(problemsOf(() => new PhaseCiliumNetworkPolicy(testChart(), 'C', { fleet: proxyFleet, phase: TrustPhase.SHADOW })))
      .toEqual([expect.objectContaining({ path: 'test/C', field: 'fleet.hostnameEnforcement', value: '"egress-proxy"' })]);
    const cidrOnly = new AgentFleet({ ...fleetProps(), hostnameEnforcement: HostnameEnforcement.cilium() });
    expect(problemsOf(() => new PhaseCiliumNetworkPolicy(testChart(), 'C', { fleet: cidrOnly, phase: TrustPhase.SHADOW })))
      .toEqual([expect.objectContaining({ field: 'phase', value: '"shadow"', message: expect.stringContaining('reaches no hostname') })]);
    expect(problemsOf(() => new EgressProxyAllowlist(testChart(), 'P', { fleet: fleet })))
      .toEqual([expect.objectContaining({ path: 'test/P', field: 'fleet.hostnameEnforcement', value: '"cilium"' })]);
  });
});

describe('NodeLocal DNSCache as the DNS target', () => {
  test('the phase policy reaches one link-local address on port 53 only', () => {
    const fleet = new AgentFleet(fleetProps());
    const chart = testChart();
    new PhaseNetworkPolicy(chart, 'Net', { fleet, phase: TrustPhase.SHADOW, dns: EgressTarget.nodeLocalDns() });
    const [np] = Testing.synth(chart);
    expect(np.spec.egress[0]).toEqual({
      to: [{ ipBlock: { cidr: '169.254.20.10/32' } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    });
    validateManifest(np);
  });
});

describe('AgentKubernetesTrust with hostname egress', () => {
  test('an egress-proxy fleet gets the allowlist ConfigMap; the composite equals the hand-composed default example\'s egress objects', () => {
    const fleet = defaultFleet();
    const chart = testChart();
    const trust = new AgentKubernetesTrust(chart, 'Trust', { fleet });
    expect(trust.egressProxyAllowlist).toBeDefined();
    const composite = Testing.synth(chart).filter((m: any) => m.kind === 'NetworkPolicy' || m.metadata?.name === 'agents-egress-allowlist');
    const hand = synth(defaultChart).filter((m: any) => m.kind === 'NetworkPolicy' || m.metadata?.name === 'agents-egress-allowlist');
    expect(composite).toEqual(hand);
  });

  test('a Cilium fleet gets no allowlist and one CiliumNetworkPolicy per phase with hostnames', () => {
    const fleet = customLadderFleet();
    const chart = testChart();
    const trust = new AgentKubernetesTrust(chart, 'Trust', { fleet });
    expect(trust.egressProxyAllowlist).toBeUndefined();
    expect(trust.networkPolicies.map(p => p.fqdnPolicy !== undefined))
      .toEqual(fleet.renderedPhases.map(p => PhaseHostnames.of(fleet, p).length > 0));
  });
});

test('PhaseNetworkPolicy refuses hostnames for DNS and the API server (they must be NetworkPolicy peers)', () => {
  const fleet = new AgentFleet(fleetProps());
  expect(problemsOf(() => new PhaseNetworkPolicy(testChart(), 'Net', {
    fleet, phase: TrustPhase.SHADOW, dns: EgressTarget.hosts(['dns.example.com'], [{ port: 53 }]),
    apiServer: EgressTarget.hosts(['api.example.com'], [{ port: 6443 }]),
  })).map(p => `${p.path} ${p.field} ${p.value}`)).toEqual([
    'test/Net/dns hostnames ["dns.example.com"]', 'test/Net/apiServer hostnames ["api.example.com"]',
  ]);
});
