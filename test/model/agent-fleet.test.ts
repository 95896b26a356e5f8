import {
  AccessLevel, AgentFleet, Domain, TrustDuration, EgressTarget, TrustNames, SecretEngineKind, TrustLadder, TrustPhase, VaultNaming,
} from '../../lib';
import { fleetProblemsOf, fleetProps } from './helpers';
import { InputRules } from '../../lib/model/private/input-rules';

describe('AgentFleet defaults', () => {
  const fleet = new AgentFleet(fleetProps());

  test('applies the seed defaults', () => {
    expect(fleet.namespace).toBe('agents');
    expect(fleet.jobDeadline.toSeconds()).toBe(900);
    // Short, renewed by the agent every half TTL up to deadline + margin.
    expect(fleet.vaultTokenTtl.toSeconds()).toBe(300);
    expect(fleet.tokenTtlSeconds).toBe(300);
    expect(fleet.tokenRenewIntervalSeconds).toBe(150);
    expect(fleet.tokenMaxTtlSeconds).toBe(960);
    expect(fleet.maxConcurrentInvestigations).toBe(10);
    expect(fleet.vaultAddress).toBe('https://vault.vault.svc:8200');
    expect(fleet.vaultAuthMountPath).toBe('kubernetes-agents');
    expect(fleet.allowedRegistries).toEqual(['registry.example.com/']);
    expect(fleet.ceilingOf(fleet.agents[0])).toBe(TrustPhase.SHADOW);
  });

  test('declares the five standard domains at agents/<domain> with their engines', () => {
    expect(fleet.domains.map(d => [d.domain.name, d.engine.name, d.mountPath])).toEqual([
      ['network', 'ssh-certificates', 'agents/network'],
      ['database', 'postgresql', 'agents/database'],
      ['application', 'kubernetes', 'agents/application'],
      ['llm', 'kv-v2', 'agents/llm'],
      ['cloud', 'aws-sts', 'agents/cloud'],
    ]);
  });

  test('credential paths grow with the phase and are supersets of the phase below', () => {
    expect(fleet.credentialPaths(TrustPhase.SHADOW)).toEqual(['agents/llm/data/read-only']);
    const ro = fleet.credentialPaths(TrustPhase.READ_ONLY);
    expect(ro).toEqual([
      'agents/application/creds/read-only', 'agents/cloud/sts/read-only', 'agents/database/creds/read-only',
      'agents/llm/data/read-only', 'agents/network/sign/read-only',
    ]);
    const lw = fleet.credentialPaths(TrustPhase.LIMITED_WRITE);
    const au = fleet.credentialPaths(TrustPhase.AUTONOMOUS);
    expect(lw).toEqual(expect.arrayContaining(ro));
    expect(au).toEqual(expect.arrayContaining(lw));
    expect(au).toHaveLength(15);
    expect(au).toContain('agents/database/creds/autonomous');
  });

  test('egress: Vault always, domain endpoints only for the domains a phase uses', () => {
    const f = new AgentFleet(fleetProps({ domains: [
      { domain: Domain.LLM, egress: [EgressTarget.cidr('203.0.113.0/24', [{ port: 443 }])] },
      { domain: Domain.DATABASE, egress: [EgressTarget.cidr('10.30.0.0/16', [{ port: 5432 }])] },
    ] }));
    expect(f.egressOf(TrustPhase.SHADOW).map(String)).toEqual([
      'namespace vault pods app.kubernetes.io/name=vault:8200/TCP', '203.0.113.0/24:443/TCP']);
    expect(f.egressOf(TrustPhase.READ_ONLY).map(String)).toEqual([
      'namespace vault pods app.kubernetes.io/name=vault:8200/TCP', '203.0.113.0/24:443/TCP', '10.30.0.0/16:5432/TCP']);
    expect(f.domainsOf(TrustPhase.SHADOW).map(d => d.domain.name)).toEqual(['llm']);
  });

  test('lookups throw with the known values listed', () => {
    expect(fleet.agent('diagnostics').name).toBe('diagnostics');
    expect(() => fleet.agent('nope')).toThrow(/unknown agent "nope"; this fleet has diagnostics/);
    const small = new AgentFleet(fleetProps({ domains: [{ domain: Domain.LLM }] }));
    expect(() => small.domain(Domain.CLOUD)).toThrow(/domain "cloud" is not declared in this fleet; declared: llm/);
    expect(small.domain(Domain.LLM).mountPath).toBe('agents/llm');
  });

  test('custom engine and mount path are honoured and trimmed', () => {
    const f = new AgentFleet(fleetProps({ domains: [{ domain: Domain.DATABASE, engine: SecretEngineKind.MYSQL, mountPath: '/team-a/db/' }] }));
    expect(f.domains[0]).toMatchObject({ mountPath: 'team-a/db', engine: SecretEngineKind.MYSQL });
    expect(f.credentialPaths(TrustPhase.LIMITED_WRITE)).toEqual(['team-a/db/creds/limited-write', 'team-a/db/creds/read-only']);
  });
});

describe('AgentFleet validation', () => {
  test('every problem is collected in one error, each naming path, field and value', () => {
    let message = '';
    try {
      new AgentFleet({
        namespace: 'Agents',
        targetNamespaces: ['payments', 'payments', 'bad_ns'],
        agents: [
          { name: 'diag', image: 'registry.example.com/diag' },
          { name: 'diag', image: 'registry.example.com/diag:latest', ceiling: TrustPhase.of('root') },
        ],
        jobDeadline: TrustDuration.seconds(0),
      });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'AgentFleet "Agents" is invalid (8 problems):',
      '  - AgentFleet: namespace = "Agents": is not an RFC 1123 DNS label. Fix: use only lowercase letters, digits and "-", starting and ending with a letter or digit',
      '  - AgentFleet: targetNamespaces[1] = "payments": is listed twice. Fix: list each namespace once',
      '  - AgentFleet: targetNamespaces[2] = "bad_ns": is not an RFC 1123 DNS label. Fix: use only lowercase letters, digits and "-", starting and ending with a letter or digit',
      '  - AgentFleet/agents[0]: image = "registry.example.com/diag": is not an image pinned by tag or digest (and not ":latest"). Fix: write it as "registry.example.com/agents/name:1.2.3" or "…@sha256:<64 hex>"',
      '  - AgentFleet/agents[1]: name = "diag": is declared twice. Fix: give every agent a distinct name',
      '  - AgentFleet/agents[1]: image = "registry.example.com/diag:latest": is not an image pinned by tag or digest (and not ":latest"). Fix: write it as "registry.example.com/agents/name:1.2.3" or "…@sha256:<64 hex>"',
      '  - AgentFleet/agents[1]: ceiling = "root": is not a phase of the ladder. Fix: use one of shadow, read-only, limited-write, autonomous',
      '  - AgentFleet: jobDeadline = "0s": must be at least one whole second. Fix: use e.g. TrustDuration.minutes(15)',
    ]);
  });

  test.each([
    ['no target namespaces', { targetNamespaces: [] }, 'targetNamespaces'],
    ['agent namespace as a target', { targetNamespaces: ['agents'] }, 'targetNamespaces[0]'],
    ['no agents', { agents: [] }, 'agents'],
    ['image from another registry', { agents: [{ name: 'a', image: 'docker.io/evil/a:1' }], allowedRegistries: ['registry.example.com/'] }, 'image'],
    ['registry without trailing slash', { allowedRegistries: ['registry.example.com'] }, 'allowedRegistries[0]'],
    ['zero concurrency', { maxConcurrentInvestigations: 0 }, 'maxConcurrentInvestigations'],
    ['vault address not a URL', { vault: { address: 'vault:8200' } }, 'vault.address'],
    ['vault address with credentials', { vault: { address: 'https://root:s3cret@vault.example.com' } }, 'vault.address'],
    ['bad auth mount', { vault: { address: 'https://v.example.com', authMountPath: 'a b' } }, 'vault.authMountPath'],
    ['deadline over a day', { jobDeadline: TrustDuration.hours(25) }, 'jobDeadline'],
    ['fractional deadline', { jobDeadline: TrustDuration.seconds(1.5) }, 'jobDeadline'],
    ['margin too large', { ttlMargin: TrustDuration.hours(1) }, 'ttlMargin'],
    ['zero token TTL', { vaultTokenTtl: TrustDuration.seconds(0) }, 'vaultTokenTtl'],
    ['one-second token TTL (no room to renew)', { vaultTokenTtl: TrustDuration.seconds(1) }, 'vaultTokenTtl'],
    ['fractional token TTL', { vaultTokenTtl: TrustDuration.seconds(90.5) }, 'vaultTokenTtl'],
    ['token TTL above the deadline', { vaultTokenTtl: TrustDuration.minutes(16) }, 'vaultTokenTtl'],
  ])('%s is rejected', (_name, overrides, field) => {
    const problems = fleetProblemsOf(fleetProps(overrides as never));
    expect(problems.map(p => p.field)).toContain(field);
    for (const p of problems) {
      expect(p.hint.length).toBeGreaterThan(5);
      expect(p.value).not.toBe('');
    }
  });

  test('colliding and nested mount paths are rejected, naming both domains', () => {
    const problems = fleetProblemsOf(fleetProps({ domains: [
      { domain: Domain.DATABASE, mountPath: 'agents/shared' },
      { domain: Domain.LLM, mountPath: 'agents/shared' },
      { domain: Domain.CLOUD, mountPath: 'agents/shared/cloud' },
    ] }));
    expect(problems.map(p => `${p.path} ${p.value} ${p.message}`)).toEqual([
      'AgentFleet/domains[0] "agents/shared" collides with the mount of domain "llm" ("agents/shared"): Vault mounts may not be equal or nested',
      'AgentFleet/domains[0] "agents/shared" collides with the mount of domain "cloud" ("agents/shared/cloud"): Vault mounts may not be equal or nested',
      'AgentFleet/domains[1] "agents/shared" collides with the mount of domain "cloud" ("agents/shared/cloud"): Vault mounts may not be equal or nested',
    ]);
  });

  test('reserved and malformed mount paths, duplicate domains are rejected', () => {
    const problems = fleetProblemsOf(fleetProps({ domains: [
      { domain: Domain.DATABASE, mountPath: 'sys/db' },
      { domain: Domain.LLM, mountPath: 'a//b' },
      { domain: Domain.of('llm', SecretEngineKind.KV_V2), mountPath: 'other' },
    ] }));
    expect(problems.map(p => `${p.path} ${p.field}`)).toEqual([
      'AgentFleet/domains[0] mountPath', 'AgentFleet/domains[1] mountPath', 'AgentFleet/domains[2] domain',
    ]);
  });

  test('egress targets are validated: ports, CIDR syntax, metadata range', () => {
    const problems = fleetProblemsOf(fleetProps({ domains: [
      { domain: Domain.LLM, egress: [EgressTarget.cidr('169.254.169.254/32', [{ port: 80 }])] },
      { domain: Domain.CLOUD, egress: [EgressTarget.cidr('10.0.0.0/33', []), EgressTarget.cidr('10.0.0.0/8', [{ port: 70000 }], ['192.168.0.0/16'])] },
    ] }));
    expect(problems.map(p => `${p.path} ${p.field} ${p.value}`)).toEqual([
      'AgentFleet/domains[0]/egress[0] cidr "169.254.169.254/32"',
      'AgentFleet/domains[1]/egress[0] ports []',
      'AgentFleet/domains[1]/egress[0] cidr "10.0.0.0/33"',
      'AgentFleet/domains[1]/egress[1] ports[0].port 70000',
      'AgentFleet/domains[1]/egress[1] except[0] "192.168.0.0/16"',
    ]);
  });

  test('an AgentFleet holds problems() empty when valid', () => {
    expect(new AgentFleet(fleetProps()).problems()).toEqual([]);
  });
});

describe('EgressTarget', () => {
  test('a broad CIDR always keeps the metadata range in except', () => {
    expect(EgressTarget.cidr('0.0.0.0/0', [{ port: 443 }]).except).toEqual(['169.254.0.0/16', '100.64.0.0/10']);
    // The shared address space itself, or a block inside it, is a deliberate target: nothing carved out.
    expect(EgressTarget.cidr('100.64.0.0/10', [{ port: 443 }]).except).toEqual([]);
    expect(EgressTarget.cidr('100.64.0.0/9', [{ port: 443 }]).except).toEqual(['100.64.0.0/10']);
    expect(EgressTarget.cidr('169.0.0.0/8', [{ port: 443 }], ['169.1.0.0/16']).except).toEqual(['169.1.0.0/16', '169.254.0.0/16']);
    expect(EgressTarget.cidr('10.0.0.0/8', [{ port: 443 }]).except).toEqual([]);
  });

  test('CIDR containment', () => {
    expect(InputRules.ipv4Contains('0.0.0.0/0', '169.254.0.0/16')).toBe(true);
    expect(InputRules.ipv4Contains('169.254.0.0/16', '169.254.169.254/32')).toBe(true);
    expect(InputRules.ipv4Contains('10.0.0.0/8', '169.254.0.0/16')).toBe(false);
    expect(InputRules.ipv4Contains('10.0.0.0/16', '10.0.0.0/8')).toBe(false);
    expect(InputRules.parseIpv4Cidr('256.0.0.0/8')).toBeUndefined();
  });
});

describe('Names', () => {
  test('derive every name from one place', () => {
    expect(TrustNames.serviceAccount('read-only')).toBe('agent-phase-read-only');
    expect(TrustNames.vaultRole('read-only')).toBe('agent-phase-read-only');
    expect(TrustNames.vaultPolicy('read-only')).toBe('agent-phase-read-only');
    expect(TrustNames.mountPath('database')).toBe('agents/database');
    expect(TrustNames.jobName('a1b2')).toBe('investigation-a1b2');
    expect(TrustNames.MAX_INVESTIGATION_ID).toBe(49);
    expect(TrustNames.MAX_PHASE_NAME).toBe(51);
  });

  test('investigation ids: DNS labels short enough for investigation-<id>', () => {
    expect(TrustNames.isInvestigationId('a'.repeat(49))).toBe(true);
    expect(TrustNames.isInvestigationId('a'.repeat(50))).toBe(false);
    expect(TrustNames.isInvestigationId('a'.repeat(64))).toBe(false);
    expect(TrustNames.isInvestigationId('Inv-1')).toBe(false);
    expect(TrustNames.isInvestigationId('-a')).toBe(false);
    expect(TrustNames.isInvestigationId('')).toBe(false);
    expect(TrustNames.isInvestigationId('inc-2026-11-25-0001')).toBe(true);
  });

  test('an id of 64 characters is rejected with its length in the message', () => {
    const { ProblemCollector } = require('../../lib/model/private/problem-collector');
    const problems = new ProblemCollector();
    const id = 'a'.repeat(64);
    expect(TrustNames._checkDnsLabel(problems, 'launcher', 'investigationId', id, TrustNames.MAX_INVESTIGATION_ID)).toBe(false);
    expect(problems.toMessages()).toEqual([
      `launcher: investigationId = "${id}": is 64 characters, longer than the 49 allowed here. Fix: shorten it to at most 49 characters`,
    ]);
  });

  test('label values and subdomains', () => {
    expect(TrustNames.isLabelValue('')).toBe(true);
    expect(TrustNames.isLabelValue('read-only')).toBe(true);
    expect(TrustNames.isLabelValue('a_b.C')).toBe(true);
    expect(TrustNames.isLabelValue('-a')).toBe(false);
    expect(TrustNames.isDnsSubdomain('agent-trust.io')).toBe(true);
    expect(TrustNames.isDnsSubdomain('Agent')).toBe(false);
  });
});

describe('images', () => {
  test.each([
    ['registry.example.com/agents/diagnostics:1.4.2', true],
    ['registry.example.com:5000/a/b:v1', true],
    [`registry.example.com/a@sha256:${'a'.repeat(64)}`, true],
    ['registry.example.com/a', false],
    ['registry.example.com/a:latest', false],
    ['registry.example.com/A:1', false],
    ['registry.example.com/a@sha256:short', false],
    ['', false],
  ])('%s pinned = %s', (image, pinned) => {
    expect(AgentFleet.isPinnedImage(image)).toBe(pinned);
  });

  test('registry of an image', () => {
    expect(AgentFleet.registryOf('registry.example.com/a/b:1')).toBe('registry.example.com/');
    expect(AgentFleet.registryOf('localhost:5000/a:1')).toBe('localhost:5000/');
    expect(AgentFleet.registryOf('library/nginx:1')).toBe('docker.io/');
  });
});

describe('AccessLevel and engines', () => {
  test('levels are ordered and cumulative', () => {
    expect(AccessLevel.NONE.grantedLevels()).toEqual([]);
    expect(AccessLevel.LIMITED_WRITE.grantedLevels().map(String)).toEqual(['read-only', 'limited-write']);
    expect(AccessLevel.AUTONOMOUS.includes(AccessLevel.READ_ONLY)).toBe(true);
    expect(AccessLevel.READ_ONLY.includes(AccessLevel.AUTONOMOUS)).toBe(false);
    expect(AccessLevel.of('limited-write')).toBe(AccessLevel.LIMITED_WRITE);
    expect(() => AccessLevel.of('admin')).toThrow(/unknown access level "admin"; use one of none, read-only, limited-write, autonomous/);
  });

  test('engines know their credential endpoint and capability', () => {
    expect(SecretEngineKind.all().map(k => [k.name, k.credentialPath('m', 'read-only'), k.capability])).toEqual([
      ['postgresql', 'm/creds/read-only', 'read'],
      ['mysql', 'm/creds/read-only', 'read'],
      ['aws-sts', 'm/sts/read-only', 'read'],
      ['kubernetes', 'm/creds/read-only', 'update'],
      ['ssh-certificates', 'm/sign/read-only', 'update'],
      ['kv-v2', 'm/data/read-only', 'read'],
    ]);
    expect(SecretEngineKind.custom('gcp', 'roleset', 'read').credentialPath('agents/gcp', 'autonomous')).toBe('agents/gcp/roleset/autonomous');
  });

  test('Domain.of', () => {
    expect(Domain.of('llm')).toBe(Domain.LLM);
    expect(Domain.of('billing').defaultEngine).toBe(SecretEngineKind.KV_V2);
    expect(Domain.of('ledger', SecretEngineKind.MYSQL).defaultEngine).toBe(SecretEngineKind.MYSQL);
  });
});

describe('AgentFleet renderedPhases: identities only up to the highest ceiling', () => {
  const agent = (name: string, ceiling?: TrustPhase): { name: string; image: string; ceiling?: TrustPhase } =>
    ({ name, image: `registry.example.com/agents/${name}:1.0.0`, ...(ceiling ? { ceiling } : {}) });

  test('the default ceiling (the lowest phase) renders only the lowest phase', () => {
    const f = new AgentFleet(fleetProps({ agents: [agent('a')], renderAllPhases: false }));
    expect(f.highestCeiling).toBe(TrustPhase.SHADOW);
    expect(f.renderedPhases.map(p => p.name)).toEqual(['shadow']);
    expect(f.phaseBindings.map(b => b.serviceAccount)).toEqual(['agent-phase-shadow']);
    // The whole ladder stays known: ranks, promotion criteria, the contract.
    expect(f.ladderBindings.map(b => b.phase.name)).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
  });

  test('several agents: from the lowest phase to the highest ceiling of any agent, in ladder order', () => {
    const f = new AgentFleet(fleetProps({ agents: [agent('a', TrustPhase.READ_ONLY), agent('b', TrustPhase.LIMITED_WRITE), agent('c')], renderAllPhases: false }));
    expect(f.highestCeiling).toBe(TrustPhase.LIMITED_WRITE);
    expect(f.renderedPhases.map(p => p.name)).toEqual(['shadow', 'read-only', 'limited-write']);
    expect(f.isRendered(TrustPhase.LIMITED_WRITE)).toBe(true);
    expect(f.isRendered(TrustPhase.AUTONOMOUS)).toBe(false);
    const top = new AgentFleet(fleetProps({ agents: [agent('a', TrustPhase.AUTONOMOUS), agent('b', TrustPhase.SHADOW)], renderAllPhases: false }));
    expect(top.renderedPhases).toEqual(top.ladder.phases);
  });

  test('bindingOf a phase above the highest ceiling fails naming the fix; an unknown phase still lists the ladder', () => {
    const f = new AgentFleet(fleetProps({ agents: [agent('a', TrustPhase.READ_ONLY)], renderAllPhases: false }));
    expect(() => f.bindingOf(TrustPhase.AUTONOMOUS)).toThrow(
      'trust phase "autonomous" of fleet "agents" is above the highest agent ceiling ("read-only"), so it has no identities '
      + '(ServiceAccount, RBAC, NetworkPolicy, Vault role and policy); raise an agent\'s ceiling to "autonomous" and re-synthesize '
      + '(a reviewed promotion), or render only shadow, read-only');
    expect(f.bindingOf(TrustPhase.READ_ONLY).serviceAccount).toBe('agent-phase-read-only');
    expect(() => f.bindingOf(TrustPhase.of('canary'))).toThrow('unknown trust phase "canary"; this fleet has shadow, read-only, limited-write, autonomous');
  });

  test('renderAllPhases (loosening) renders the whole ladder whatever the ceilings; cluster views inherit it', () => {
    const f = new AgentFleet(fleetProps({ agents: [agent('a')], renderAllPhases: true }));
    expect(f.renderAllPhases).toBe(true);
    expect(f.renderedPhases.map(p => p.name)).toEqual(['shadow', 'read-only', 'limited-write', 'autonomous']);
    expect(f.bindingOf(TrustPhase.AUTONOMOUS).vaultRole).toBe('agent-phase-autonomous');
    expect(new AgentFleet(fleetProps({ agents: [agent('a')], renderAllPhases: false })).renderAllPhases).toBe(false);
  });

  test('a custom ladder: the rank of the ceiling decides', () => {
    const promotion = { minInvestigations: 1, minSuccessRate: 1, maxPolicyViolations: 0, minDays: 1, requiredApprovals: 1 };
    const ladder = new TrustLadder([
      { phase: TrustPhase.of('observe'), description: 'reads', kubernetesRules: [] },
      { phase: TrustPhase.of('canary'), description: 'some', kubernetesRules: [], promotion },
      { phase: TrustPhase.of('full'), description: 'all', kubernetesRules: [], promotion },
    ]);
    const f = new AgentFleet(fleetProps({ ladder, domains: [], agents: [agent('a', TrustPhase.of('canary'))], renderAllPhases: false }));
    expect(f.renderedPhases.map(p => p.name)).toEqual(['observe', 'canary']);
  });
});

describe('AgentFleet vaultNaming', () => {
  test('UNSCOPED (the default) keeps today\'s names', () => {
    const f = new AgentFleet(fleetProps());
    expect(f.vaultNaming).toBe(VaultNaming.UNSCOPED);
    expect(f.vaultPrefix).toBeUndefined();
    expect(f.ladderBindings.map(b => b.vaultRole)).toEqual(f.ladder.phases.map(p => TrustNames.serviceAccount(p.name)));
  });

  test('fleetScoped() prefixes roles, policies and default mounts with the namespace', () => {
    const f = new AgentFleet(fleetProps({ namespace: 'team-a', vaultNaming: VaultNaming.fleetScoped() }));
    expect(f.vaultPrefix).toBe('team-a');
    expect(f.bindingOf(TrustPhase.READ_ONLY).vaultRole).toBe('team-a-agent-phase-read-only');
    expect(f.bindingOf(TrustPhase.READ_ONLY).vaultPolicy).toBe('team-a-agent-phase-read-only');
    expect(f.vaultAuthMountPath).toBe('kubernetes-team-a');
    expect(f.domains[0].mountPath).toBe('agents-team-a/network');
  });

  test('explicit mount paths are kept as given', () => {
    const f = new AgentFleet(fleetProps({ vaultNaming: VaultNaming.fleetScoped(),
      vault: { address: 'https://vault.example.com', authMountPath: 'k8s-agents' }, domains: [{ domain: Domain.LLM, mountPath: 'kv/agents' }] }));
    expect(f.vaultAuthMountPath).toBe('k8s-agents');
    expect(f.domains[0].mountPath).toBe('kv/agents');
  });

  test.each([
    ['not a DNS label', 'Team_A', /is not an RFC 1123 DNS label/],
    ['empty', '', /must be a non-empty DNS label/],
    ['too long for the longest phase', 'a'.repeat(40), /is 40 characters, longer than the 37 allowed here/],
  ])('a prefix %s is rejected with path, field, value and fix', (_name, prefix, message) => {
    const problems = fleetProblemsOf(fleetProps({ vaultNaming: VaultNaming.fleetScoped({ prefix }) }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ path: 'AgentFleet', field: 'vaultNaming.prefix', value: JSON.stringify(prefix) });
    expect(problems[0].message).toMatch(message);
    expect(problems[0].hint.length).toBeGreaterThan(5);
  });

  test('a namespace too long to be the default prefix is reported as the prefix', () => {
    const namespace = 'n'.repeat(50);
    const problems = fleetProblemsOf(fleetProps({ namespace, vaultNaming: VaultNaming.fleetScoped() }));
    expect(problems.map(p => [p.field, p.value])).toEqual([['vaultNaming.prefix (the namespace)', JSON.stringify(namespace)]]);
  });
});
