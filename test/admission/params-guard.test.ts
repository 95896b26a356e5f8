/**
 * Issue #17 item 4: the ceilings ConfigMap and the launcher-contract
 * ConfigMaps are written only by the promotion identity, reviewed as the
 * API server does it (match rules, match conditions, validations).
 */
import { Testing } from 'cdk8s';
import { defaultFleet } from '../../examples/default/fleet';
import { AgentJobTemplate, TrustPhaseAdmission } from '../../lib/k8s';
import { AdmissionGuard, AdmissionRules, AgentTrustErrors, ParamsAdmissionRules } from '../../lib/model';
import { AdmissionReviewRequest, PolicyUnderTest } from '../helpers/admission-review';

const fleet = defaultFleet();
const PROMOTER = 'system:serviceaccount:agents:agent-trust-promoter';

function synth(props: any = {}): { admission: TrustPhaseAdmission; objects: any[] } {
  const chart = Testing.chart();
  const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet, ...props });
  fleet.agents.forEach(a => new AgentJobTemplate(chart, `T-${a.name}`, { fleet, agent: a.name }));
  return { admission, objects: Testing.synth(chart) };
}

const { admission, objects } = synth();
const policy = new PolicyUnderTest(objects.find(o => o.kind === 'ValidatingAdmissionPolicy' && o.metadata.name === `${admission.name}-params`));
const params = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === AdmissionRules.PARAMS_NAME);
const contract = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === 'diagnostics-launcher-contract');

function request(operation: 'CREATE' | 'UPDATE' | 'DELETE', cm: any, username: string, edit?: (c: any) => void): AdmissionReviewRequest {
  const next = JSON.parse(JSON.stringify(cm));
  edit?.(next);
  return {
    operation, resource: { group: '', version: 'v1', resource: 'configmaps' }, namespace: 'agents', name: cm.metadata.name,
    userInfo: { username },
    object: operation === 'DELETE' ? null : next,
    oldObject: operation === 'CREATE' ? null : cm,
  };
}

const raise = (c: any): void => { c.data['ceiling.diagnostics'] = 'autonomous'; };
const swapImage = (c: any): void => { c.data['image.diagnostics'] = 'registry.example.com/agents/evil:1'; };

describe('params guard', () => {
  test.each([
    ['an editor of the agent namespace raises a ceiling', () => request('UPDATE', params, 'alice', raise)],
    ['the launcher swaps an agent\'s image in the params', () => request('UPDATE', params, 'system:serviceaccount:agents:agent-launcher', swapImage)],
    ['someone deletes the params (every Job would then be denied)', () => request('DELETE', params, 'alice')],
    ['someone recreates the params', () => request('CREATE', params, 'alice')],
    ['someone rewrites a launcher contract', () => request('UPDATE', contract, 'alice', c => { c.data['contract.json'] = '{}'; })],
    ['someone deletes a launcher contract', () => request('DELETE', contract, 'bob')],
  ])('%s → params-written-by-promotion-identity', (_name, req) => {
    expect(policy.review(req())).toMatchObject({ selected: true, denied: [ParamsAdmissionRules.WRITTEN_BY_PROMOTION_IDENTITY] });
  });

  test('the message names who tried what, and who may', () => {
    expect(policy.review(request('UPDATE', params, 'alice', raise)).messages).toEqual([
      `agent-trust [params-written-by-promotion-identity]: alice may not update ConfigMap agent-trust-ceilings; only the promotion identity (${PROMOTER}) may`]);
  });

  test('the promotion identity creates, updates (a promotion) and deletes them', () => {
    for (const cm of [params, contract]) {
      for (const op of ['CREATE', 'UPDATE', 'DELETE'] as const) {
        expect(policy.review(request(op, cm, PROMOTER, cm === params ? raise : undefined))).toEqual({ selected: true, denied: [], messages: [] });
      }
    }
  });

  test('other ConfigMaps of the namespace, and other resources, are not selected', () => {
    const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app-settings', namespace: 'agents' }, data: {} };
    expect(policy.review(request('UPDATE', other, 'alice')).selected).toBe(false);
    expect(policy.review({ ...request('UPDATE', params, 'alice', raise), namespace: 'payments' }).selected).toBe(false);
    expect(policy.review({ ...request('UPDATE', params, 'alice'), resource: { group: '', version: 'v1', resource: 'secrets' } }).selected).toBe(false);
  });

  test('promotionIdentities names the pipeline; an empty or wildcard list is refused; the guard can be turned off with a reason', () => {
    const named = synth({ promotionIdentities: ['system:serviceaccount:ci:promoter'] });
    expect(named.admission.promotionIdentities).toEqual(['system:serviceaccount:ci:promoter']);
    const p = new PolicyUnderTest(named.objects.find(o => o.metadata.name === `${named.admission.name}-params`));
    expect(p.review(request('UPDATE', params, 'system:serviceaccount:ci:promoter', raise)).denied).toEqual([]);
    expect(p.review(request('UPDATE', params, PROMOTER, raise)).denied).toEqual([ParamsAdmissionRules.WRITTEN_BY_PROMOTION_IDENTITY]);
    for (const bad of [[], ['*']]) {
      try {
        synth({ promotionIdentities: bad });
        throw new Error('accepted');
      } catch (e) {
        expect(AgentTrustErrors.problemsOf(e).map(x => x.field)).toEqual([bad.length === 0 ? 'promotionIdentities' : 'promotionIdentities[0]']);
      }
    }
    const off = synth({ disabledGuards: [{ guard: AdmissionGuard.PARAMS, reason: 'ConfigMaps live in a namespace only the pipeline writes' }] });
    expect(off.admission.paramsPolicy).toBeUndefined();
    expect(off.objects.some(o => o.metadata.name === `${off.admission.name}-params`)).toBe(false);
  });
});
