/**
 * Issue #17: a phase with hostname egress through the egress proxy gets
 * HTTPS_PROXY (its own proxy port) and NO_PROXY from the renderer, and the
 * Job policy (`job-env-from-contract`) denies a Job whose env points
 * HTTPS_PROXY elsewhere or drops either variable. Evaluated as the API
 * server does it with the default example's fleet (an egress proxy with one
 * port per phase).
 */
import { Testing } from 'cdk8s';
import { defaultFleet } from '../../examples/default/fleet';
import { AgentJobTemplate, LauncherAccess, TrustPhaseAdmission } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { AdmissionRules, JobContractAdmissionRules as R, LauncherContract } from '../../lib/model';
import { AdmissionReviewRequest, PolicyUnderTest } from '../helpers/admission-review';
import { copy } from './fixtures';

const fleet = defaultFleet();
const chart = Testing.chart();
const launcher = new LauncherAccess(chart, 'Launcher', { fleet });
const templates = fleet.agents.map(a => new AgentJobTemplate(chart, `T-${a.name}`, { fleet, agent: a.name }));
const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet, launcher, jobTemplates: templates });
const objects = Testing.synth(chart);
const policy = objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === admission.name);
const params = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === AdmissionRules.PARAMS_NAME);
const job = new PolicyUnderTest(policy, params);
const renderers = templates.map(t => new JobRenderer(t.contract));
const LAUNCHER = AdmissionRules.serviceAccountUsername(fleet.namespace, 'agent-launcher');
const NO_PROXY = 'localhost,127.0.0.1,::1,.svc,.cluster.local,$(KUBERNETES_SERVICE_HOST)';

function create(object: any): AdmissionReviewRequest {
  return { operation: 'CREATE', resource: { group: 'batch', version: 'v1', resource: 'jobs' }, namespace: fleet.namespace,
    userInfo: { username: LAUNCHER }, object };
}

const envOf = (j: any): any[] => j.spec.template.spec.containers[0].env;
const valueOf = (j: any, name: string): string | undefined => envOf(j).find((e: any) => e.name === name)?.value;
const top = renderers[0];
const highest = (): any => top.render({ investigationId: 'inc-7', phase: top.allowedPhases[top.allowedPhases.length - 1] });

describe('the renderer sets the phase\'s proxy', () => {
  test('every phase with a proxy gets HTTPS_PROXY = its egressProxy and NO_PROXY; each phase its own port', () => {
    const seen = new Set<string>();
    for (const r of renderers) {
      for (const phase of r.allowedPhases) {
        const row = r.contract.phases.find(p => p.name === phase)!;
        const j = r.render({ investigationId: 'inc-1', phase });
        expect(row.egressProxy).toMatch(/^http:\/\/egress-proxy\.egress-proxy\.svc:\d+$/);
        expect(valueOf(j, LauncherContract.HTTPS_PROXY_ENV)).toBe(row.egressProxy);
        expect(valueOf(j, LauncherContract.NO_PROXY_ENV)).toBe(NO_PROXY);
        expect(envOf(j).filter((e: any) => e.name === LauncherContract.HTTPS_PROXY_ENV)).toHaveLength(1);
        seen.add(row.egressProxy!);
      }
    }
    expect(seen.size).toBe(Math.max(...renderers.map(r => r.allowedPhases.length)));
  });

  test('a contract phase without egressProxy gets neither variable; the template\'s own are replaced, not duplicated', () => {
    const contract = copy(top.contract) as any;
    contract.phases = contract.phases.map((p: any) => ({ ...p, egressProxy: undefined, egressHostnames: undefined }));
    delete contract.hostnameEnforcement;
    const plain = new JobRenderer(JSON.parse(JSON.stringify(contract))).render({ investigationId: 'inc-2', phase: top.allowedPhases[0] });
    expect(valueOf(plain, LauncherContract.HTTPS_PROXY_ENV)).toBeUndefined();
    expect(valueOf(plain, LauncherContract.NO_PROXY_ENV)).toBeUndefined();
    const withStale = copy(top.contract) as any;
    withStale.jobTemplate.spec.template.spec.containers[0].env.push({ name: 'HTTPS_PROXY', value: 'http://stale:1' });
    const j = new JobRenderer(withStale).render({ investigationId: 'inc-3', phase: top.allowedPhases[0] });
    expect(envOf(j).filter((e: any) => e.name === 'HTTPS_PROXY').map((e: any) => e.value)).toEqual([withStale.phases[0].egressProxy]);
  });

  test('a contract naming HTTPS_PROXY or NO_PROXY for another value is refused by the loader, naming the field', () => {
    const doc = copy(top.contract) as any;
    doc.env.vaultRole = 'HTTPS_PROXY';
    doc.env.trustPhase = 'NO_PROXY';
    expect(() => new JobRenderer(doc)).toThrow(/env\.trustPhase = "NO_PROXY": is the proxy variable the renderer sets[\s\S]*env\.vaultRole = "HTTPS_PROXY": is the proxy variable/);
  });

  test('NO_PROXY names an external Vault host; in-cluster ones are covered by .svc', () => {
    expect(LauncherContract.noProxy('https://vault.vault.svc:8200')).toBe(NO_PROXY);
    expect(LauncherContract.noProxy('https://vault.example.com:8200/')).toBe(`${NO_PROXY},vault.example.com`);
    expect(LauncherContract.noProxy('')).toBe(NO_PROXY);
  });
});

describe('admission compares HTTPS_PROXY and NO_PROXY with the contract', () => {
  test('a rendered Job of every agent and phase passes', () => {
    let reviewed = 0;
    for (const r of renderers) {
      for (const phase of r.allowedPhases) {
        expect(job.review(create(r.render({ investigationId: 'inc-9', phase })))).toEqual({ selected: true, denied: [], messages: [] });
        reviewed++;
      }
    }
    expect(reviewed).toBeGreaterThan(1);
  });

  const ATTACKS: Array<[string, (j: any) => void]> = [
    ['HTTPS_PROXY pointed at an attacker\'s proxy', j => { envOf(j).find((e: any) => e.name === 'HTTPS_PROXY').value = 'http://proxy.attacker.example:3128'; }],
    ['HTTPS_PROXY pointed at the lowest phase\'s port', j => {
      envOf(j).find((e: any) => e.name === 'HTTPS_PROXY').value = top.contract.phases[0].egressProxy;
    }],
    ['HTTPS_PROXY dropped (the agent would go direct, or fail open in its own code)', j => {
      j.spec.template.spec.containers[0].env = envOf(j).filter((e: any) => e.name !== 'HTTPS_PROXY');
    }],
    ['NO_PROXY dropped', j => { j.spec.template.spec.containers[0].env = envOf(j).filter((e: any) => e.name !== 'NO_PROXY'); }],
    ['NO_PROXY widened to every host', j => { envOf(j).find((e: any) => e.name === 'NO_PROXY').value = '*'; }],
    ['HTTPS_PROXY from a ConfigMap instead of a value', j => {
      const e = envOf(j).find((x: any) => x.name === 'HTTPS_PROXY');
      delete e.value;
      e.valueFrom = { configMapKeyRef: { name: 'proxy', key: 'url' } };
    }],
    ['lowercase https_proxy added beside it', j => { envOf(j).push({ name: 'https_proxy', value: 'http://proxy.attacker.example:3128' }); }],
  ];

  test.each(ATTACKS)('%s → job-env-from-contract', (_name, mutate) => {
    const attacked = highest();
    mutate(attacked);
    expect(job.review(create(attacked)).denied).toEqual([R.ENV_FROM_CONTRACT]);
  });
});
