import {
  AgentFleet, AgentJobSpec, AgentJobSpecProps, AgentTrustErrors, EgressTarget, LauncherContractBuilder, TrustDuration, TrustPhase,
} from '../../lib';
import { fleetProps } from './helpers';

const fleet = new AgentFleet(fleetProps());

function spec(props: Partial<AgentJobSpecProps> = {}, f: AgentFleet = fleet): AgentJobSpec {
  return new AgentJobSpec({ fleet: f, agent: 'diagnostics', ...props }, 'app/Template');
}

/** Every problem line (`field = value: message`) of the error building a spec throws. */
function problems(props: Partial<AgentJobSpecProps>, f: AgentFleet = fleet): string[] {
  try {
    spec(props, f);
  } catch (e) {
    if (!AgentTrustErrors.isValidationError(e)) {
      throw e;
    }
    return AgentTrustErrors.problemsOf(e).map(p => {
      expect(p.path).toBe('app/Template');
      return `${p.field} = ${p.value}: ${p.message}`;
    });
  }
  throw new Error('expected the spec to be refused');
}

describe('AgentJobSpec: resolution', () => {
  test('defaults are the seed Job\'s, the deadline the fleet\'s', () => {
    const s = spec();
    expect(s.agent).toBe(fleet.agents[0]);
    expect([s.appLabel, s.containerName]).toEqual(['autonomous-diagnostics', 'agent']);
    expect([s.cpuRequest, s.memoryRequest, s.cpuLimit, s.memoryLimit]).toEqual(['500m', '1Gi', '2', '4Gi']);
    expect([s.scratchSizeLimit, s.scratchSizeMebibytes, s.tmpSizeLimit, s.tmpSizeMebibytes]).toEqual(['256Mi', 256, '64Mi', 64]);
    expect(s.activeDeadline.toSeconds()).toBe(900);
    expect(s.ttlAfterFinished.toSeconds()).toBe(3600);
    expect(s.tokenExpiration.toSeconds()).toBe(600);
    expect([s.runAsUser, s.runAsGroup]).toEqual([65532, 65532]);
    expect([s.scratchPath, s.tokenMountPath, s.tokenPath]).toEqual(['/scratch', '/var/run/secrets/vault', '/var/run/secrets/vault/token']);
    expect(s.failJobExitCodes).toEqual([2, 78]);
    expect([s.otlpEndpoint, s.runtimeClassName, s.vaultAgentInjector, s.kubernetesApiToken]).toEqual([undefined, undefined, false, false]);
  });

  test('given values win; sizes in other units resolve to mebibytes; the token file lives in tokenMountPath', () => {
    const s = spec({ cpuLimit: '1500m', memoryLimit: '8Gi', scratchSizeLimit: '1Gi', tokenMountPath: '/var/run/tokens', failJobExitCodes: [] });
    expect([s.cpuLimit, s.memoryLimit, s.scratchSizeMebibytes]).toEqual(['1500m', '8Gi', 1024]);
    expect(s.tokenPath).toBe('/var/run/tokens/token');
    expect(s.failJobExitCodes).toEqual([]);
  });

  test('the API token follows the phases\' API access unless set', () => {
    const withApi = new AgentFleet(fleetProps({ kubernetesApi: EgressTarget.cidr('10.0.0.10/32', [{ port: 6443 }]) }));
    expect(spec({}, withApi).kubernetesApiToken).toBe(true);
    expect(spec({ kubernetesApiToken: false }, withApi).kubernetesApiToken).toBe(false);
    expect(spec({ kubernetesApiToken: true }).kubernetesApiToken).toBe(true);
  });

  test('environment, labels and injector annotations come from the phase binding', () => {
    const jwt = new AgentFleet(fleetProps({ vault: { address: 'https://vault:8200', investigationIdentityMountPath: 'jwt-agents' } }));
    const s = spec({ vaultAgentInjector: true, otlpEndpoint: 'http://otel:4318' }, jwt);
    const b = jwt.bindingOf(TrustPhase.READ_ONLY);
    expect(s.environment(b, 'abc', 'diagnostics')).toEqual({
      INVESTIGATION_ID: 'abc', TRUST_PHASE: 'read-only', VAULT_ROLE: 'agent-phase-read-only',
      OTEL_RESOURCE_ATTRIBUTES: 'investigation.id=abc,agent.trust_phase=read-only', OTEL_SERVICE_NAME: 'diagnostics',
      VAULT_ADDR: 'https://vault:8200', VAULT_AUTH_MOUNT: 'jwt-agents', VAULT_AUTH_METHOD: 'jwt',
      VAULT_K8S_TOKEN_PATH: '/var/run/secrets/vault/token', VAULT_TOKEN_RENEW_INTERVAL: '150', VAULT_REVOKE_ON_EXIT: 'true',
      TMPDIR: '/tmp', VAULT_TOKEN_FILE: '/vault/secrets/token', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
    });
    expect(s.labels(b, 'abc', 'diagnostics')).toEqual({
      'app': 'autonomous-diagnostics', 'agent-trust.io/agent': 'diagnostics', 'investigation-id': 'abc', 'trust-phase': 'read-only',
    });
    expect(s.injectorPodAnnotations(b, 'vault-token')).toMatchObject({
      'vault.hashicorp.com/auth-path': 'auth/jwt-agents', 'vault.hashicorp.com/auth-type': 'jwt',
      'vault.hashicorp.com/agent-service-account-token-volume-name': 'vault-token',
    });
    const phase = s.injectorPhaseAnnotations(b)!;
    expect(phase['vault.hashicorp.com/role']).toBe('agent-phase-read-only');
    expect(Object.entries(phase).filter(([k]) => k.includes('agent-inject-secret-')).map(([, v]) => v).sort()).toEqual(b.credentialPaths);
    // Without the injector: no annotations, no token file.
    const plain = spec();
    expect(plain.injectorPodAnnotations(fleet.bindingOf(TrustPhase.SHADOW), 'vault-token')).toBeUndefined();
    expect(plain.injectorPhaseAnnotations(fleet.bindingOf(TrustPhase.SHADOW))).toBeUndefined();
    expect(plain.environment(fleet.bindingOf(TrustPhase.SHADOW), 'x', 'a')).not.toHaveProperty('VAULT_TOKEN_FILE');
  });
});

describe('AgentJobSpec: validation', () => {
  test('an unknown agent is refused alone, listing the fleet\'s agents', () => {
    expect(problems({ agent: 'ghost', cpuLimit: 'lots' })).toEqual(['agent = "ghost": is not an agent of the fleet']);
  });

  test('every bad value is reported at once, in prop order', () => {
    expect(problems({
      appLabel: '-bad-', containerName: 'Agent', activeDeadline: TrustDuration.hours(1), ttlAfterFinished: TrustDuration.seconds(1.5),
      cpuRequest: 'lots', memoryRequest: '0', cpuLimit: '100m', memoryLimit: '512Mi', runAsUser: 0, runAsGroup: 1.5,
      scratchSizeLimit: '100Ki', tmpSizeLimit: '0Mi', scratchPath: 'scratch', tokenMountPath: '/tmp/token',
      tokenExpiration: TrustDuration.seconds(599), failJobExitCodes: [0, 2, 2], otlpEndpoint: 'ftp://x', runtimeClassName: 'Not_A_Class',
    })).toEqual([
      'appLabel = "-bad-": is not a Kubernetes label value',
      'containerName = "Agent": is not an RFC 1123 DNS label',
      'activeDeadline = "1 hours (3600s)": is longer than the fleet\'s jobDeadline (15 minutes (900s)), which bounds the Vault token\'s explicit max TTL and is the admission maximum',
      'ttlAfterFinished = "1.5s": must be whole seconds and at least 0s',
      'cpuRequest = "lots": is not a Kubernetes quantity',
      'memoryRequest = "0": must be greater than zero',
      'runAsUser = 0: must be a non-zero UID/GID (Pod Security restricted forbids root)',
      'runAsGroup = 1.5: must be a non-zero UID/GID (Pod Security restricted forbids root)',
      'scratchSizeLimit = "100Ki": is not a whole number of mebibytes',
      'tmpSizeLimit = "0Mi": must be larger than zero',
      'scratchPath = "scratch": is not an absolute path',
      'tokenMountPath = "/tmp/token": is inside /tmp, which is its own volume',
      'tokenExpiration = "599s": must be whole seconds and at least 600s (Kubernetes refuses shorter projected tokens)',
      'failJobExitCodes[0] = 0: is not a failure exit code (1-255)',
      'failJobExitCodes[2] = 2: is listed twice',
      'otlpEndpoint = "ftp://x": is not an http(s) URL without credentials',
      'runtimeClassName = "Not_A_Class": is not a RuntimeClass name (DNS subdomain)',
    ]);
  });

  test('limits below requests, volumes that fill the memory limit, and overlapping mounts are refused', () => {
    expect(problems({ cpuRequest: '2', cpuLimit: '1', memoryRequest: '2Gi', memoryLimit: '1Gi' })).toEqual([
      'cpuLimit = "1": is below cpuRequest ("2")',
      'memoryLimit = "1Gi": is below memoryRequest ("2Gi")',
    ]);
    expect(problems({ memoryRequest: '256Mi', memoryLimit: '320Mi' })).toEqual([
      'scratchSizeLimit = "256Mi": plus tmpSizeLimit (64Mi) fills the whole memoryLimit (320Mi); memory-backed volumes count against it',
    ]);
    expect(problems({ scratchPath: '/var/run/secrets/vault/scratch' })).toEqual([
      'tokenMountPath = "/var/run/secrets/vault": overlaps scratchPath ("/var/run/secrets/vault/scratch")',
    ]);
    expect(problems({ kubernetesApiToken: true, scratchPath: '/var/run/secrets/kubernetes.io/serviceaccount' })).toEqual([
      'scratchPath = "/var/run/secrets/kubernetes.io/serviceaccount": is where kubernetesApiToken mounts the API credentials',
    ]);
    // Just below the limit is fine; 600 s and a day are the token bounds.
    expect(() => spec({ memoryRequest: '256Mi', memoryLimit: '321Mi' })).not.toThrow();
    expect(() => spec({ tokenExpiration: TrustDuration.seconds(600) })).not.toThrow();
    expect(problems({ tokenExpiration: TrustDuration.seconds(86401) })).toEqual([
      'tokenExpiration = "86401s": is longer than a day; the token is only needed for the Vault login',
    ]);
  });
});

describe('LauncherContractBuilder', () => {
  const job = (): any => ({
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'investigation-template', labels: { 'app': 'a', 'investigation-id': 'template', 'trust-phase': 'shadow' } },
    spec: { template: {
      metadata: { labels: { 'app': 'a', 'investigation-id': 'template', 'trust-phase': 'shadow' } },
      spec: {
        serviceAccountName: 'agent-phase-shadow',
        containers: [{ name: 'agent', env: [{ name: 'INVESTIGATION_ID', value: 'template' }, { name: 'VAULT_ROLE', value: 'x' }, { name: 'KEEP', value: '1' }] }],
      },
    } },
  });

  test('strips the investigation from the Job and lists one row per phase binding', () => {
    const s = spec();
    const doc = LauncherContractBuilder.fromJob(s, job());
    expect(doc.jobTemplate.metadata).toEqual({ labels: { app: 'a' } });
    expect(doc.jobTemplate.spec.template.metadata.labels).toEqual({ app: 'a' });
    expect(doc.jobTemplate.spec.template.spec.serviceAccountName).toBeUndefined();
    expect(doc.jobTemplate.spec.template.spec.containers[0].env).toEqual([{ name: 'KEEP', value: '1' }]);
    expect([doc.agent, doc.namespace, doc.ceiling, doc.jobDeadlineSeconds]).toEqual(['diagnostics', 'agents', 'shadow', 900]);
    expect(doc.vaultToken).toMatchObject({ ttlSeconds: 300, explicitMaxTtlSeconds: 960, renewIntervalSeconds: 150, revokeOnExit: true });
    expect(doc.phases.map(p => p.name)).toEqual(fleet.phaseBindings.map(b => b.phase.name));
    fleet.phaseBindings.forEach((b, i) => {
      expect(doc.phases[i]).toMatchObject({
        serviceAccount: b.serviceAccount, vaultRole: b.vaultRole, vaultAuthMount: b.authMountPath,
        vaultPaths: b.credentialPaths, egress: b.egress.map(t => t.toString()),
      });
      expect(doc.phases[i].vaultJwtAuthMount).toBeUndefined();
      expect(doc.phases[i].podAnnotations).toBeUndefined();
    });
  });

  test('rows are copies: editing one never reaches the next contract; the injector adds per-phase annotations', () => {
    const first = LauncherContractBuilder.fromJob(spec(), job());
    first.phases[1].vaultPaths.push('sys/raw');
    const second = LauncherContractBuilder.fromJob(spec(), job());
    expect(second.phases[1].vaultPaths).not.toContain('sys/raw');
    // The first use hands out the row, the second makes a copier, later ones use it: all equal, none shared.
    second.phases[1].promotion!.minInvestigations = 0;
    const third = LauncherContractBuilder.fromJob(spec(), job());
    expect(third.phases).toEqual(LauncherContractBuilder.fromJob(spec(), job()).phases);
    expect(third.phases[1].promotion!.minInvestigations).toBe(25);
    expect(third.phases[1].vaultPaths).toEqual(second.phases[1].vaultPaths);
    const injected = LauncherContractBuilder.phaseRow(spec({ vaultAgentInjector: true }), fleet.bindingOf(TrustPhase.READ_ONLY));
    expect(injected.podAnnotations!['vault.hashicorp.com/role']).toBe('agent-phase-read-only');
    expect(LauncherContractBuilder.phaseRow(spec(), fleet.bindingOf(TrustPhase.READ_ONLY)).podAnnotations).toBeUndefined();
  });
});
