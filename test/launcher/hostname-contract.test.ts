import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { Testing } from 'cdk8s';
import { defaultChart } from '../../examples/default/k8s';
import { PhaseDeltaReport } from '../../lib/check/phase-delta-report';
import { LauncherContractLoader, LauncherContractValidator } from '../../lib/launcher';
import { contractFixture } from './fixtures';

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'launcher-contract.schema.json'), 'utf8'));
const validate = new Ajv2020({ allErrors: true }).compile(schema);
const schemaErrors = (doc: any): string[] => (validate(doc) ? [] : (validate.errors ?? []).map(e => `${e.instancePath} ${e.message}`));

const manifests = Testing.synth(defaultChart(Testing.app()));
const synthesized = LauncherContractLoader.fromObjects(manifests, 'default example', 'diagnostics');
const copy = (): any => JSON.parse(JSON.stringify(synthesized));

describe('hostname egress in the launcher contract', () => {
  test('a contract written before the fields existed stays valid (schema, validator, loader)', () => {
    const old = contractFixture();
    expect(JSON.stringify(old)).not.toMatch(/egressHostnames|egressProxy|hostnameEnforcement/);
    expect(schemaErrors(old)).toEqual([]);
    expect(LauncherContractValidator.problems(old)).toEqual([]);
    expect(() => LauncherContractLoader.fromObject(old)).not.toThrow();
  });

  test('the default example\'s contract carries them and is valid', () => {
    expect(synthesized.hostnameEnforcement).toBe('egress-proxy');
    expect(synthesized.phases[0].egressHostnames).toEqual([{ hostname: 'api.openai.com', port: 443, protocol: 'TCP' }]);
    expect(synthesized.phases[0].egressProxy).toBe('http://egress-proxy.egress-proxy.svc:3128');
    expect(schemaErrors(synthesized)).toEqual([]);
  });

  test.each([
    ['a wildcard over a TLD', (d: any) => { d.phases[1].egressHostnames[0].hostname = '*.com'; }, 'phases[1].egressHostnames[0].hostname', '/phases/1/egressHostnames/0/hostname'],
    ['port 0', (d: any) => { d.phases[0].egressHostnames[0].port = 0; }, 'phases[0].egressHostnames[0].port', '/phases/0/egressHostnames/0/port'],
    ['another protocol', (d: any) => { d.phases[0].egressHostnames[0].protocol = 'SCTP'; }, 'phases[0].egressHostnames[0].protocol', '/phases/0/egressHostnames/0/protocol'],
    ['a proxy outside the cluster', (d: any) => { d.phases[0].egressProxy = 'http://proxy.example.com:3128'; }, 'phases[0].egressProxy', '/phases/0/egressProxy'],
    ['an unknown enforcement', (d: any) => { d.hostnameEnforcement = 'istio'; }, 'hostnameEnforcement', '/hostnameEnforcement'],
  ])('%s is refused by the validator and the schema', (_, edit, field, pointer) => {
    const doc = copy();
    edit(doc);
    expect(LauncherContractValidator.problems(doc).map(p => p.field)).toContain(field);
    expect(schemaErrors(doc).some(e => e.startsWith(pointer))).toBe(true);
  });

  test('hostnames or a proxy without a stated enforcement are refused by the validator', () => {
    const doc = copy();
    delete doc.hostnameEnforcement;
    expect(LauncherContractValidator.problems(doc).map(p => p.field)).toEqual([
      'phases[0].egressHostnames', 'phases[0].egressProxy', 'phases[1].egressHostnames', 'phases[1].egressProxy',
      'phases[2].egressHostnames', 'phases[2].egressProxy', 'phases[3].egressHostnames', 'phases[3].egressProxy',
    ]);
  });
});

describe('the phase-delta report lists the hostnames each step adds', () => {
  const report = PhaseDeltaReport.compute(synthesized, manifests);

  test('shadow → read-only adds the cloud names; later steps add none', () => {
    expect(report.deltas.map(d => d.addedHostnames)).toEqual([
      ['*.s3.eu-west-1.amazonaws.com:443/TCP', 'ec2.eu-west-1.amazonaws.com:443/TCP', 'logs.eu-west-1.amazonaws.com:443/TCP',
        'monitoring.eu-west-1.amazonaws.com:443/TCP'],
      [], [],
    ]);
    expect(report.warnings).toEqual([]);
    const md = report.toMarkdown();
    expect(md).toContain('### Hostnames added (egress-proxy)\n\n- `*.s3.eu-west-1.amazonaws.com:443/TCP`');
  });

  test('a higher phase losing a hostname is a warning (the ladder is not monotonic)', () => {
    const doc = copy();
    doc.phases[2].egressHostnames = doc.phases[2].egressHostnames.filter((g: any) => g.hostname !== 'api.openai.com');
    const r = PhaseDeltaReport.compute(doc, manifests);
    expect(r.deltas[1].removedHostnames).toEqual(['api.openai.com:443/TCP']);
    expect(r.warnings).toContain('"limited-write" drops Vault paths or egress "read-only" holds: the ladder is not monotonic');
    expect(r.toMarkdown()).toContain('### Hostnames removed (ladder not monotonic)');
  });
});
