import * as fc from 'fast-check';
import {
  AgentFleet, Domain, EgressTarget, HostnameEnforcement, EgressProtocol, PhaseHostnames, TrustPhase, ValidationProblem,
} from '../../lib/model';
import { fleetProblemsOf, fleetProps } from './helpers';

const PROXY = HostnameEnforcement.egressProxy({ namespace: 'egress-proxy', serviceName: 'squid', podLabels: { app: 'squid' } });

/** The problems of a fleet whose LLM domain reaches `target` (none: `[]`); `null` declares no enforcement. */
function problemsWith(target: EgressTarget, enforcement: HostnameEnforcement | null = PROXY): ValidationProblem[] {
  const props = fleetProps({ domains: [{ domain: Domain.LLM, egress: [target] }], hostnameEnforcement: enforcement ?? undefined });
  try {
    new AgentFleet(props);
  } catch {
    return fleetProblemsOf(props);
  }
  return [];
}

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const tld = fc.stringMatching(/^[a-z]{2,10}$/);
/** Valid hostnames: 1-3 labels, then a letter-only top-level domain (so never an IP address). */
const hostname = fc.tuple(fc.array(label, { minLength: 1, maxLength: 3 }), tld).map(([labels, t]) => [...labels, t].join('.'))
  .filter(h => !h.endsWith('.svc') && !h.endsWith('cluster.local') && !h.includes('.internal') && h !== 'metadata.goog');

describe('hostname validation (property-based)', () => {
  test('every RFC 1123 name with a letter TLD is accepted, alone or as "*." + a name of two or more labels', () => {
    fc.assert(fc.property(hostname, fc.boolean(), (name, wildcard) => {
      const full = wildcard ? `*.${name}` : name;
      expect(problemsWith(EgressTarget.hosts([full], [{ port: 443 }]))).toEqual([]);
    }), { numRuns: 200 });
  });

  test('a character outside a-z, 0-9, "-" and "." anywhere in a name is refused, naming the path, field, value and a fix', () => {
    const bad = fc.constantFrom('_', ' ', '/', ':', '@', 'é', '!', '\\', '%');
    fc.assert(fc.property(hostname, bad, fc.nat(), (name, ch, at) => {
      const i = at % name.length;
      const broken = `${name.slice(0, i)}${ch}${name.slice(i)}`;
      const problems = problemsWith(EgressTarget.hosts([broken], [{ port: 443 }]));
      expect(problems).toEqual([expect.objectContaining({
        path: 'AgentFleet/domains[0]/egress[0]', field: 'hostnames[0]', value: JSON.stringify(broken),
      })]);
      expect(problems[0].hint).toMatch(/hostname such as|reach an address|write|label/);
    }), { numRuns: 150 });
  });

  test('a wildcard over one label (a top-level domain) is refused: "*.com", "*.io", …', () => {
    fc.assert(fc.property(tld, t => {
      expect(problemsWith(EgressTarget.hosts([`*.${t}`], [{ port: 443 }]))).toEqual([expect.objectContaining({
        field: 'hostnames[0]', value: JSON.stringify(`*.${t}`), message: 'is a wildcard over a whole top-level domain',
      })]);
    }), { numRuns: 50 });
  });

  test('a "*" anywhere but as the whole first label is refused ("**.", "a*.", "x.*.y")', () => {
    fc.assert(fc.property(hostname, fc.constantFrom('**.', 'a*.', '*a.', '*'), (name, prefix) => {
      const problems = problemsWith(EgressTarget.hosts([`${prefix}${name}`], [{ port: 443 }]));
      expect(problems.map(p => p.field)).toEqual(['hostnames[0]']);
    }), { numRuns: 80 });
    const [mid] = problemsWith(EgressTarget.hosts(['api.*.example.com'], [{ port: 443 }]));
    expect(mid.message).toBe('has a wildcard that is not one whole leading label');
  });

  test('labels longer than 63 characters and names longer than 253 are refused', () => {
    fc.assert(fc.property(fc.integer({ min: 64, max: 100 }), n => {
      expect(problemsWith(EgressTarget.hosts([`${'a'.repeat(n)}.example.com`], [{ port: 443 }])).map(p => p.field)).toEqual(['hostnames[0]']);
    }), { numRuns: 20 });
    const long = `${Array.from({ length: 5 }, () => 'a'.repeat(60)).join('.')}.com`;
    expect(problemsWith(EgressTarget.hosts([long], [{ port: 443 }]))[0].message).toContain('a DNS name has at most 253');
  });

  test('ports outside 1-65535 are refused with the port field', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1.1, max: 100, noInteger: true })), port => {
      expect(problemsWith(EgressTarget.hosts(['api.example.com'], [{ port }]))).toEqual([expect.objectContaining({
        path: 'AgentFleet/domains[0]/egress[0]', field: 'ports[0].port', message: 'is not a port number', hint: 'use an integer from 1 to 65535',
      })]);
    }), { numRuns: 60 });
  });
});

describe('hostname validation (examples)', () => {
  test.each([
    ['API.OpenAI.com', 'has upper-case letters', '"api.openai.com"'],
    ['api.openai.com.', 'ends with a dot', 'drop the trailing dot'],
    ['10.0.0.1', 'is an IP address, not a hostname', 'EgressTarget.cidr'],
    ['localhost', 'is a single label', 'fully qualified'],
    ['vault.vault.svc', 'is an in-cluster service name', 'EgressTarget.inCluster'],
    ['kubernetes.default.svc.cluster.local', 'is an in-cluster service name', 'EgressTarget.inCluster'],
    ['metadata.google.internal', 'names a cloud metadata endpoint', 'never reach cloud metadata'],
    ['*.google.internal', 'names a cloud metadata endpoint', 'never reach cloud metadata'],
    ['-bad.example.com', 'is not a DNS label', 'RFC 1123'],
    ['', 'is not a hostname', 'DNS name'],
  ])('%s: %s', (name, message, hint) => {
    const [p] = problemsWith(EgressTarget.hosts([name], [{ port: 443 }]));
    expect(p.field).toBe('hostnames[0]');
    expect(p.value).toBe(JSON.stringify(name));
    expect(p.message).toContain(message);
    expect(p.hint).toContain(hint);
  });

  test('every problem is collected at once: an empty list, a duplicate, a bad port', () => {
    const problems = fleetProblemsOf(fleetProps({
      hostnameEnforcement: PROXY,
      domains: [
        { domain: Domain.LLM, egress: [EgressTarget.hosts([], [{ port: 443 }]), EgressTarget.hosts(['a.example.com', 'a.example.com'], [{ port: 0 }])] },
      ],
    }));
    expect(problems.map(p => `${p.path} ${p.field}`)).toEqual([
      'AgentFleet/domains[0]/egress[0] hostnames',
      'AgentFleet/domains[0]/egress[1] ports[0].port',
      'AgentFleet/domains[0]/egress[1] hostnames[1]',
    ]);
  });

  test('hostnames without a configured enforcement are refused, naming both ways to enforce them', () => {
    const problems = problemsWith(EgressTarget.hosts(['api.openai.com'], [{ port: 443 }]), null);
    expect(problems).toEqual([{
      path: 'AgentFleet/domains[0]/egress[0]', field: 'hostnames', value: '["api.openai.com"]',
      message: 'need a hostname enforcement: core NetworkPolicy cannot match names',
      hint: expect.stringContaining('HostnameEnforcement.egressProxy'),
    }]);
    expect(problems[0].hint).toContain('HostnameEnforcement.cilium()');
  });

  test('an egress proxy carries TCP only; Cilium takes UDP', () => {
    const udp = EgressTarget.hosts(['ntp.example.com'], [{ port: 123, protocol: EgressProtocol.UDP }]);
    expect(problemsWith(udp)).toEqual([expect.objectContaining({ field: 'ports[0].protocol', message: expect.stringContaining('TCP only') })]);
    expect(problemsWith(udp, HostnameEnforcement.cilium())).toEqual([]);
  });

  test('Vault and the API server are never reached by name', () => {
    const problems = fleetProblemsOf(fleetProps({
      hostnameEnforcement: PROXY,
      vault: { address: 'https://vault.example.com:8200', egress: EgressTarget.hosts(['vault.example.com'], [{ port: 8200 }]) },
      kubernetesApi: EgressTarget.hosts(['api.cluster.example.com'], [{ port: 6443 }]),
    }));
    expect(problems.map(p => `${p.path} ${p.field}`)).toEqual(['AgentFleet/vault.egress hostnames', 'AgentFleet/kubernetesApi hostnames']);
  });

  test('a bad proxy declaration is refused field by field', () => {
    const problems = fleetProblemsOf(fleetProps({
      hostnameEnforcement: HostnameEnforcement.egressProxy({ namespace: 'Egress', serviceName: '', podLabels: {}, port: 65534 }),
    }));
    expect(problems.map(p => `${p.path} ${p.field}`)).toEqual([
      'AgentFleet/hostnameEnforcement namespace', 'AgentFleet/hostnameEnforcement serviceName',
      'AgentFleet/hostnameEnforcement podLabels', 'AgentFleet/hostnameEnforcement port',
    ]);
    expect(problems[3].message).toContain('4 consecutive ports');
  });

  test('NodeLocal DNSCache: one link-local address on port 53 is the only link-local target allowed', () => {
    const cache = EgressTarget.nodeLocalDns();
    expect(cache.ipBlock).toBe('169.254.20.10/32');
    expect(cache.ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    const problems = (t: EgressTarget): string[] => {
      const c = new (require('../../lib/model/private/problem-collector').ProblemCollector)();
      t._validate(c, 'dns');
      return c.problems.map((p: ValidationProblem) => p.message);
    };
    expect(problems(cache)).toEqual([]);
    expect(problems(EgressTarget.nodeLocalDns('169.254.0.0/16'))).toEqual(['is not an IPv4 CIDR block']);
    expect(problems(EgressTarget.cidr('169.254.20.10/32', [{ port: 53 }]))).toEqual(['targets the link-local range that holds cloud metadata endpoints']);
  });
});

describe('PhaseHostnames', () => {
  const fleet = new AgentFleet(fleetProps({
    hostnameEnforcement: PROXY,
    domains: [
      { domain: Domain.LLM, egress: [EgressTarget.hosts(['api.openai.com'], [{ port: 443 }])] },
      { domain: Domain.CLOUD, egress: [EgressTarget.hosts(['ec2.eu-west-1.amazonaws.com', 'api.openai.com'], [{ port: 443 }, { port: 8443 }])] },
    ],
  }));

  test('each phase gets exactly the hostnames of the domains it may use, sorted, without repeats', () => {
    expect(PhaseHostnames.of(fleet, TrustPhase.SHADOW).map(PhaseHostnames.describe)).toEqual(['api.openai.com:443/TCP']);
    expect(PhaseHostnames.of(fleet, TrustPhase.READ_ONLY).map(PhaseHostnames.describe)).toEqual([
      'api.openai.com:443/TCP', 'api.openai.com:8443/TCP', 'ec2.eu-west-1.amazonaws.com:443/TCP', 'ec2.eu-west-1.amazonaws.com:8443/TCP',
    ]);
  });

  test('each phase has its own proxy port and URL: port + rank', () => {
    expect(fleet.ladder.phases.map(p => PhaseHostnames.proxyUrl(fleet, p))).toEqual([
      'http://squid.egress-proxy.svc:3128', 'http://squid.egress-proxy.svc:3129',
      'http://squid.egress-proxy.svc:3130', 'http://squid.egress-proxy.svc:3131',
    ]);
    expect(PhaseHostnames.proxyTarget(fleet, TrustPhase.READ_ONLY)!.toString()).toBe('namespace egress-proxy pods app=squid:3129/TCP');
  });

  test('the NetworkPolicy targets hold no hostname target, and the proxy only when the phase has hostnames', () => {
    const none = new AgentFleet(fleetProps({ hostnameEnforcement: PROXY, domains: [{ domain: Domain.CLOUD, egress: [EgressTarget.hosts(['a.example.com'], [{ port: 443 }])] }] }));
    expect(PhaseHostnames.networkTargets(none, TrustPhase.SHADOW).map(t => t.toString())).toEqual(['namespace vault pods app.kubernetes.io/name=vault:8200/TCP']);
    expect(PhaseHostnames.contractFields(none, TrustPhase.SHADOW)).toEqual({});
    expect(PhaseHostnames.networkTargets(none, TrustPhase.READ_ONLY).map(t => t.toString())).toEqual([
      'namespace vault pods app.kubernetes.io/name=vault:8200/TCP', 'namespace egress-proxy pods app=squid:3129/TCP',
    ]);
  });
});
