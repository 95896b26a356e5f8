import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { Domain, EgressTarget, EgressProtocol, PhaseNetworkPolicy, TrustPhase } from '../../lib';
import { errorOf, testChart, testFleet } from '../helpers/k8s-fixtures';
import { InputRules } from '../../lib/model/private/input-rules';

const DNS_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
  ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
};
const VAULT_RULE = {
  to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'vault' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'vault' } } }],
  ports: [{ port: 8200, protocol: 'TCP' }],
};

function policyOf(phase: TrustPhase, fleet = testFleet()): any {
  const chart = testChart();
  new PhaseNetworkPolicy(chart, 'Net', { fleet, phase });
  const out = Testing.synth(chart);
  expect(out).toHaveLength(1);
  return out[0];
}

describe('PhaseNetworkPolicy', () => {
  test('shadow: selects its phase\'s pods, denies ingress, allows only DNS and Vault (no domain but the endpoint-less LLM)', () => {
    const policy = policyOf(TrustPhase.SHADOW);
    expect(policy.kind).toBe('NetworkPolicy');
    expect(policy.metadata.name).toBe('agent-phase-shadow');
    expect(policy.metadata.namespace).toBe('agents');
    expect(policy.spec.podSelector).toEqual({ matchLabels: { 'trust-phase': 'shadow' } });
    expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(policy.spec.ingress).toEqual([]);
    expect(policy.spec.egress).toEqual([DNS_RULE, VAULT_RULE]);
    expect(policy).toMatchSnapshot();
  });

  test('read-only: DNS, Vault, then each domain endpoint; a broad CIDR keeps 169.254.0.0/16 in except', () => {
    const policy = policyOf(TrustPhase.READ_ONLY);
    expect(policy.spec.egress).toEqual([
      DNS_RULE,
      VAULT_RULE,
      { to: [{ ipBlock: { cidr: '10.30.0.0/16' } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.0.0/16', '100.64.0.0/10'] } }], ports: [{ port: 443, protocol: 'TCP' }] },
    ]);
    // Ports are numbers, not dropped: the L1 IntOrString pitfall.
    for (const rule of policy.spec.egress) {
      for (const port of rule.ports) {
        expect(typeof port.port).toBe('number');
      }
    }
  });

  test('user except ranges are kept and the metadata range is added', () => {
    const fleet = testFleet({
      domains: [{ domain: Domain.CLOUD, egress: [EgressTarget.cidr('0.0.0.0/0', [{ port: 443 }], ['10.0.0.0/8'])] }, { domain: Domain.LLM }],
    });
    const policy = policyOf(TrustPhase.READ_ONLY, fleet);
    expect(policy.spec.egress[2].to[0].ipBlock).toEqual({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.0.0/16', '100.64.0.0/10'] });
  });

  test('a custom DNS target', () => {
    const chart = testChart();
    new PhaseNetworkPolicy(chart, 'Net', {
      fleet: testFleet(), phase: TrustPhase.SHADOW,
      dns: EgressTarget.inCluster('dns-system', { app: 'coredns' }, [{ port: 5353, protocol: EgressProtocol.UDP }]),
    });
    expect(Testing.synth(chart)[0].spec.egress[0]).toEqual({
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dns-system' } }, podSelector: { matchLabels: { app: 'coredns' } } }],
      ports: [{ port: 5353, protocol: 'UDP' }],
    });
  });

  test('an unknown phase and a bad DNS target fail naming field and value', () => {
    expect(errorOf(() => new PhaseNetworkPolicy(testChart(), 'Net', { fleet: testFleet(), phase: TrustPhase.of('root') })))
      .toContain('test/Net: phase = "root": is not a phase of the fleet\'s ladder');
    expect(errorOf(() => new PhaseNetworkPolicy(testChart(), 'Net', {
      fleet: testFleet(), phase: TrustPhase.SHADOW, dns: EgressTarget.inCluster('kube-system', {}, [{ port: 70000 }]),
    }))).toContain('test/Net/dns: ports[0].port = 70000: is not a port number');
  });

  test('property: any CIDR containing the metadata range or the shared address space keeps it in except; others do not get it', () => {
    const octet = fc.integer({ min: 0, max: 255 });
    fc.assert(fc.property(octet, octet, fc.integer({ min: 0, max: 16 }), (a, b, prefix) => {
      const cidr = `${a}.${b}.0.0/${prefix}`;
      // Normalise to the network address the prefix implies, as a user would write it.
      const parsed = InputRules.parseIpv4Cidr(cidr)!;
      const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
      const net = (parsed[0] & mask) >>> 0;
      const normal = `${net >>> 24}.${(net >>> 16) & 255}.${(net >>> 8) & 255}.${net & 255}/${prefix}`;
      if (InputRules.ipv4Contains('169.254.0.0/16', normal)) {
        return; // the fleet refuses targets inside the metadata range
      }
      const fleet = testFleet({ domains: [{ domain: Domain.CLOUD, egress: [EgressTarget.cidr(normal, [{ port: 443 }])] }, { domain: Domain.LLM }] });
      const block = policyOf(TrustPhase.READ_ONLY, fleet).spec.egress[2].to[0].ipBlock;
      expect(block.cidr).toBe(normal);
      const containsMetadata = InputRules.ipv4Contains(normal, '169.254.0.0/16');
      expect((block.except ?? []).includes('169.254.0.0/16')).toBe(containsMetadata);
      // The shared address space (100.64.0.0/10) is carved out of every block wider than it.
      const containsShared = prefix < 10 && InputRules.ipv4Contains(normal, '100.64.0.0/10');
      expect((block.except ?? []).includes('100.64.0.0/10')).toBe(containsShared);
    }), { numRuns: 60 });
  });
});

describe('PhaseNetworkPolicy API server egress (opt-in)', () => {
  test('the API server endpoint comes right after DNS', () => {
    const chart = testChart();
    new PhaseNetworkPolicy(chart, 'Net', { fleet: testFleet(), phase: TrustPhase.SHADOW, apiServer: EgressTarget.cidr('10.0.0.10/32', [{ port: 6443 }]) });
    expect(Testing.synth(chart)[0].spec.egress).toEqual([
      DNS_RULE,
      { to: [{ ipBlock: { cidr: '10.0.0.10/32' } }], ports: [{ port: 6443, protocol: 'TCP' }] },
      VAULT_RULE,
    ]);
  });

  test('a malformed API server target fails naming field and value', () => {
    expect(errorOf(() => new PhaseNetworkPolicy(testChart(), 'Net', {
      fleet: testFleet(), phase: TrustPhase.SHADOW, apiServer: EgressTarget.cidr('10.0.0.300/32', [{ port: 6443 }]),
    }))).toContain('test/Net/apiServer: cidr = "10.0.0.300/32": is not an IPv4 CIDR block');
  });
});
