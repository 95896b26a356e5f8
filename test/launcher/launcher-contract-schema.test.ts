import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { LauncherContractValidator } from '../../lib/launcher';
import { LauncherContract } from '../../lib/model/launcher-contract';
import { TrustNames } from '../../lib/model/trust-names';
import { contractFixture } from './fixtures';

const SCHEMA_FILE = path.join(__dirname, '..', '..', 'schema', 'launcher-contract.schema.json');
const schema = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema);

function schemaErrors(doc: any): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`);
}

const REQUIRED = ['apiVersion', 'kind', 'agent', 'namespace', 'ceiling', 'jobDeadlineSeconds', 'containerName', 'env', 'phases', 'jobTemplate'];
const PHASE_REQUIRED = ['name', 'serviceAccount', 'vaultRole', 'vaultAuthMount', 'egress', 'vaultPaths'];

describe('launcher contract JSON Schema', () => {
  test('is shipped in the package and pinned to the format version', () => {
    const pkg = require('../../package.json');
    expect(pkg.files).toContain('schema');
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties.apiVersion.const).toBe(LauncherContract.API_VERSION);
    expect(schema.properties.kind.const).toBe(LauncherContract.KIND);
    expect(schema.required).toEqual(REQUIRED);
  });

  test('repeats no model constant differently (names, limits, label keys)', () => {
    const defs = schema.$defs;
    expect(defs.phase.properties.serviceAccount.pattern).toBe(`^${TrustNames.PHASE_PREFIX}[a-z0-9]([-a-z0-9]*[a-z0-9])?$`);
    expect(defs.phaseName.maxLength).toBe(TrustNames.MAX_PHASE_NAME);
    expect(defs.dnsLabel.maxLength).toBe(TrustNames.MAX_DNS_LABEL);
    expect(defs.templateLabels.not.anyOf).toEqual([
      { required: [LauncherContract.INVESTIGATION_LABEL] }, { required: [LauncherContract.PHASE_LABEL] },
    ]);
    expect(Object.keys(schema.properties.env.properties)).toEqual(Object.keys(LauncherContract.defaultEnvNames()));
  });

  test('the fixture contract is valid for the schema and the validator', () => {
    expect(schemaErrors(contractFixture())).toEqual([]);
    expect(LauncherContractValidator.problems(contractFixture())).toEqual([]);
  });

  test('optional fields may be left out', () => {
    const doc = contractFixture();
    doc.phases.forEach((p: any) => {
      delete p.podAnnotations;
      delete p.promotion;
      delete p.demotionTriggers;
    });
    delete doc.jobTemplate.metadata;
    expect(schemaErrors(doc)).toEqual([]);
    expect(LauncherContractValidator.problems(doc)).toEqual([]);
  });

  test.each(REQUIRED)('removing %s fails the schema and the validator', field => {
    const doc = contractFixture();
    delete doc[field];
    expect(schemaErrors(doc)).toContain(` must have required property '${field}'`);
    expect(LauncherContractValidator.problems(doc).length).toBeGreaterThan(0);
  });

  test.each(PHASE_REQUIRED)('removing phases[].%s fails the schema and the validator', field => {
    const doc = contractFixture();
    delete doc.phases[1][field];
    expect(schemaErrors(doc)).toContain(`/phases/1 must have required property '${field}'`);
    expect(LauncherContractValidator.problems(doc).length).toBeGreaterThan(0);
  });

  test.each([
    ['apiVersion', 'agent-trust.io/v2', '/apiVersion must be equal to constant'],
    ['kind', 'Job', '/kind must be equal to constant'],
    ['agent', 7, '/agent must be string'],
    ['namespace', 'Agents', '/namespace must match pattern "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$"'],
    ['ceiling', ['read-only'], '/ceiling must be string'],
    ['jobDeadlineSeconds', '900', '/jobDeadlineSeconds must be integer'],
    ['jobDeadlineSeconds', 0, '/jobDeadlineSeconds must be >= 1'],
    ['containerName', '', '/containerName must NOT have fewer than 1 characters'],
    ['env', [], '/env must be object'],
    ['phases', [], '/phases must NOT have fewer than 1 items'],
    ['phases', {}, '/phases must be array'],
    ['jobTemplate', 'kind: Job', '/jobTemplate must be object'],
  ])('a wrong %s (%j) fails the schema and the validator', (field, value, error) => {
    const doc = { ...contractFixture(), [field]: value };
    expect(schemaErrors(doc)).toContain(error);
    expect(LauncherContractValidator.problems(doc).map(p => p.field)).toContain(field);
  });

  test.each([
    ['a pre-set Job name', (d: any) => { d.jobTemplate.metadata.name = 'investigation-x'; }, '/jobTemplate/metadata must NOT be valid'],
    ['a pre-set ServiceAccount', (d: any) => { d.jobTemplate.spec.template.spec.serviceAccountName = 'default'; }, '/jobTemplate/spec/template/spec must NOT be valid'],
    ['a pre-set trust-phase label', (d: any) => { d.jobTemplate.metadata.labels['trust-phase'] = 'autonomous'; }, '/jobTemplate/metadata/labels must NOT be valid'],
    ['a pre-set investigation-id pod label', (d: any) => { d.jobTemplate.spec.template.metadata.labels['investigation-id'] = 'x'; }, '/jobTemplate/spec/template/metadata/labels must NOT be valid'],
    ['a ServiceAccount not derived from the phase', (d: any) => { d.phases[0].serviceAccount = 'default'; }, '/phases/0/serviceAccount must match pattern "^agent-phase-[a-z0-9]([-a-z0-9]*[a-z0-9])?$"'],
    ['a success rate above 1', (d: any) => { d.phases[1].promotion.minSuccessRate = 1.5; }, '/phases/1/promotion/minSuccessRate must be <= 1'],
    ['a non-string annotation', (d: any) => { d.phases[1].podAnnotations = { a: true }; }, '/phases/1/podAnnotations/a must be string'],
    ['an unknown promotion criterion', (d: any) => { d.phases[1].promotion.maxCostPerDay = 5; }, '/phases/1/promotion must NOT have additional properties'],
    ['a non-Job template', (d: any) => { d.jobTemplate.kind = 'Pod'; }, '/jobTemplate/kind must be equal to constant'],
  ])('%s fails the schema and the validator', (_, mutate, error) => {
    const doc = contractFixture();
    mutate(doc);
    expect(schemaErrors(doc)).toContain(error);
    expect(LauncherContractValidator.problems(doc).length).toBeGreaterThan(0);
  });

  test('unknown fields elsewhere are accepted by both: additive changes keep the apiVersion', () => {
    const doc = contractFixture();
    doc.generatedBy = 'cdk-agent-trust 0.2.0';
    doc.phases[0].description = 'runs beside humans';
    doc.env.otelServiceName = 'OTEL_SERVICE_NAME';
    expect(schemaErrors(doc)).toEqual([]);
    expect(LauncherContractValidator.problems(doc)).toEqual([]);
  });

  test('the validator names an unknown promotion criterion and why it is refused', () => {
    const doc = contractFixture();
    doc.phases[3].promotion.maxCostPerDay = 5;
    const [p, ...rest] = LauncherContractValidator.problems(doc);
    expect(rest).toEqual([]);
    expect(`${p.field}=${p.value}: ${p.message}`).toBe('phases[3].promotion.maxCostPerDay=5: is not a promotion criterion this version understands');
  });
});

/** The fixture with the `vaultToken` block and the env the template carries with it (what AgentJobTemplate emits today). */
function withVaultToken(): any {
  const doc = contractFixture();
  doc.vaultToken = {
    ttlSeconds: 300, explicitMaxTtlSeconds: 960, renewIntervalSeconds: 150, revokeOnExit: true,
    renewIntervalEnv: LauncherContract.RENEW_INTERVAL_ENV, revokeOnExitEnv: LauncherContract.REVOKE_ON_EXIT_ENV,
  };
  doc.jobTemplate.spec.template.spec.containers[0].env.push(
    { name: LauncherContract.RENEW_INTERVAL_ENV, value: '150' }, { name: LauncherContract.REVOKE_ON_EXIT_ENV, value: 'true' });
  return doc;
}

describe('the optional vaultToken block (token lifetime, renew and revoke duties)', () => {
  const TOKEN_REQUIRED = ['ttlSeconds', 'explicitMaxTtlSeconds', 'renewIntervalSeconds', 'revokeOnExit', 'renewIntervalEnv', 'revokeOnExitEnv'];

  test('is optional (older v1alpha1 contracts have none) and its required fields match the model', () => {
    expect(schema.required).not.toContain('vaultToken');
    expect(schema.properties.vaultToken.required).toEqual(TOKEN_REQUIRED);
    expect(schemaErrors(contractFixture())).toEqual([]);
    expect(schemaErrors(withVaultToken())).toEqual([]);
    expect(LauncherContractValidator.problems(withVaultToken())).toEqual([]);
  });

  test.each(TOKEN_REQUIRED)('removing vaultToken.%s fails the schema and the validator', field => {
    const doc = withVaultToken();
    delete doc.vaultToken[field];
    expect(schemaErrors(doc)).toContain(`/vaultToken must have required property '${field}'`);
    expect(LauncherContractValidator.problems(doc).map(p => p.field)).toContain(`vaultToken.${field}`);
  });

  test.each([
    ['ttlSeconds', 0, '/vaultToken/ttlSeconds must be >= 1'],
    ['ttlSeconds', '300', '/vaultToken/ttlSeconds must be integer'],
    ['explicitMaxTtlSeconds', 1.5, '/vaultToken/explicitMaxTtlSeconds must be integer'],
    ['renewIntervalSeconds', 0, '/vaultToken/renewIntervalSeconds must be >= 1'],
    ['revokeOnExit', 'true', '/vaultToken/revokeOnExit must be boolean'],
    ['renewIntervalEnv', 'RENEW EVERY', '/vaultToken/renewIntervalEnv must match pattern "^[A-Za-z_][A-Za-z0-9_]*$"'],
  ])('a wrong vaultToken.%s (%j) fails the schema and the validator', (field, value, error) => {
    const doc = withVaultToken();
    doc.vaultToken[field] = value;
    expect(schemaErrors(doc)).toContain(error);
    expect(LauncherContractValidator.problems(doc).map(p => p.field)).toContain(`vaultToken.${field}`);
  });

  test('relations the schema cannot express are the validator\'s: renew before expiry, TTL within the max, env = block', () => {
    const late = withVaultToken();
    late.vaultToken.renewIntervalSeconds = 300;
    late.jobTemplate.spec.template.spec.containers[0].env[5].value = '300';
    expect(schemaErrors(late)).toEqual([]);
    expect(LauncherContractValidator.problems(late)).toEqual([expect.objectContaining({
      field: 'vaultToken.renewIntervalSeconds', value: '300',
      message: 'is not shorter than ttlSeconds (300): the token would expire before the agent renews it',
    })]);

    const long = withVaultToken();
    long.vaultToken.ttlSeconds = 961;
    expect(LauncherContractValidator.problems(long).map(p => `${p.field} ${p.message}`)).toEqual([
      'vaultToken.ttlSeconds is longer than explicitMaxTtlSeconds (960)',
    ]);

    const disagree = withVaultToken();
    disagree.jobTemplate.spec.template.spec.containers[0].env[6].value = 'false';
    expect(LauncherContractValidator.problems(disagree)).toEqual([expect.objectContaining({
      field: 'jobTemplate agent container env VAULT_REVOKE_ON_EXIT', value: '"false"',
      message: expect.stringContaining('disagrees with vaultToken ("true")'),
    })]);

    const missing = withVaultToken();
    missing.jobTemplate.spec.template.spec.containers[0].env.splice(5, 1);
    expect(LauncherContractValidator.problems(missing).map(p => `${p.field} = ${p.value}`)).toEqual([
      'jobTemplate agent container env VAULT_TOKEN_RENEW_INTERVAL = (unset)',
    ]);
  });
});
