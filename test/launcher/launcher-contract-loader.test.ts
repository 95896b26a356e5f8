import * as fs from 'fs';
import * as path from 'path';
import { LauncherContractLoader, LauncherContractValidator, SynthOutput } from '../../lib/launcher';
import { LauncherContract } from '../../lib/model/launcher-contract';
import { problemsOf } from '../helpers/problems';
import { contractConfigMap, contractFixture, FIXTURE_FILE, tempDir, yamlOf } from './fixtures';
import { ProblemCollector } from '../../lib/model/private/problem-collector';


function fieldsOf(obj: any): string[] {
  return LauncherContractValidator.problems(obj).map(p => `${p.field}=${p.value}`);
}

const OTHER_OBJECTS = [
  { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'agent-phase-shadow', namespace: 'agents' } },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'unrelated', namespace: 'agents' }, data: { a: 'b' } },
];

describe('LauncherContractLoader', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach(d => fs.rmSync(d, { recursive: true, force: true })));
  function dir(files: { [name: string]: string }): string {
    const d = tempDir(files);
    dirs.push(d);
    return d;
  }

  describe('corrupt and tampered contract files: one line per problem, naming the file and the field', () => {
    const real = (): any => ({ ...contractFixture(), targetNamespaces: ['payments', 'checkout'], allowedRegistries: ['registry.example.com/'] });
    const file = (name: string, text: string): string => path.join(dir({ [name]: text }), name);
    const lines = (fn: () => unknown): string[] => problemsOf(fn).map(p => ProblemCollector.format(p));

    test('a truncated contract names the file and says it is not valid JSON', () => {
      const text = JSON.stringify(real(), null, 2);
      const f = file('c.json', text.slice(0, 300));
      const [line, ...rest] = lines(() => LauncherContractLoader.fromPath(f, 'diagnostics'));
      expect(rest).toEqual([]);
      expect(line).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(text\\) = .*: is not valid JSON \\(.*position 300.*\\)\\. Fix: `));
      expect(line).not.toContain('\n');
    });

    test('an empty file, a folder given as a file, a missing file', () => {
      const empty = file('c.json', '  \n');
      expect(problemsOf(() => LauncherContractLoader.fromFile(empty))[0]).toMatchObject({ path: empty, message: 'is empty' });
      const d = dir({});
      expect(problemsOf(() => LauncherContractLoader.fromFile(d))[0]).toMatchObject({ path: d, message: 'is a directory' });
      expect(problemsOf(() => LauncherContractLoader.fromPath(path.join(d, 'nope.json'), 'diagnostics'))[0])
        .toMatchObject({ path: path.join(d, 'nope.json'), message: 'cannot be read (ENOENT)' });
    });

    test('missing fields are named, never "undefined"', () => {
      const f = file('c.json', JSON.stringify({ kind: 'LauncherContract' }));
      const found = lines(() => LauncherContractLoader.fromPath(f, 'diagnostics'));
      expect(found.join('\n')).not.toMatch(/undefined/);
      expect(found.every(l => l.startsWith(`${f}: LauncherContract((unset)): `))).toBe(true);
      expect(found.map(l => l.split(': ')[2].split(' = ')[0])).toEqual(expect.arrayContaining(['apiVersion', 'agent', 'namespace', 'phases', 'jobTemplate']));
      const partial = real();
      delete partial.phases;
      delete partial.jobTemplate.spec.template.spec.containers;
      const more = lines(() => LauncherContractLoader.fromJson(JSON.stringify(partial), 'c.json'));
      expect(more.join('\n')).not.toMatch(/undefined/);
      expect(more).toEqual([
        'c.json: phases = (unset): must list at least one phase. Fix: list every phase of the ladder, lowest first',
        'c.json: ceiling = "read-only": is not one of the phases. Fix: use one of: (no valid phase listed)',
        'c.json: jobTemplate.spec.template.spec.containers = (unset): must list the agent container. Fix: regenerate the contract',
      ]);
    });

    test('a tampered template (image from another registry, retries) is refused by the loader itself', () => {
      const doc = real();
      doc.jobTemplate.spec.template.spec.containers[0].image = 'evil.io/x:1';
      doc.jobTemplate.spec.backoffLimit = 5;
      const f = file('agents.diagnostics.contract.json', JSON.stringify(doc));
      expect(lines(() => LauncherContractLoader.fromPath(f, 'diagnostics'))).toEqual([
        `${f}: LauncherContract("diagnostics"): jobTemplate.spec.backoffLimit = 5: must be 0: an investigation is never retried with the same credentials (admission refuses any other value). Fix: regenerate the contract`,
        `${f}: LauncherContract("diagnostics"): jobTemplate.spec.template.spec.containers[0].image = "evil.io/x:1": is not from an allowed registry (registry.example.com/). Fix: regenerate the contract; images come from the fleet's agents and allowedRegistries`,
      ]);
    });

    test('every template invariant admission enforces, each under its field', () => {
      const doc = real();
      const spec = doc.jobTemplate.spec;
      spec.completions = 2;
      spec.activeDeadlineSeconds = 901;
      spec.template.spec.restartPolicy = 'OnFailure';
      spec.template.spec.automountServiceAccountToken = true;
      spec.template.spec.initContainers = [{ name: 'init', image: 'docker.io/busybox' }];
      expect(fieldsOf(doc)).toEqual([
        'jobTemplate.spec.completions=2',
        'jobTemplate.spec.activeDeadlineSeconds=901',
        'jobTemplate.spec.template.spec.restartPolicy="OnFailure"',
        'jobTemplate.spec.template.spec.automountServiceAccountToken=true',
        'jobTemplate.spec.template.spec.initContainers[0].image="docker.io/busybox"',
      ]);
      // Without allowedRegistries (contracts written before the field), images are left to admission.
      const old = contractFixture();
      old.jobTemplate.spec.template.spec.containers[0].image = 'evil.io/x:1';
      expect(fieldsOf(old)).toEqual([]);
    });

    test('the lists a launcher and the verifier rely on have the right types', () => {
      expect(fieldsOf({ ...real(), targetNamespaces: 'payments', allowedRegistries: [] }))
        .toEqual(['targetNamespaces="payments"', 'allowedRegistries=[]']);
      expect(fieldsOf({ ...real(), targetNamespaces: ['Payments'] })).toEqual(['targetNamespaces[0]="Payments"']);
    });

    test('structure first: a contract that cannot be read reports no invariant noise', () => {
      const doc = real();
      doc.apiVersion = 'v9';
      doc.jobTemplate.spec.backoffLimit = 3;
      expect(fieldsOf(doc)).toEqual(['apiVersion="v9"']);
      const problems = new ProblemCollector();
      LauncherContractValidator._checkInvariants(problems, doc, 'c');
      expect(problems.problems.map(p => p.field)).toEqual(['jobTemplate.spec.backoffLimit']);
    });
  });

  describe('sources', () => {
    test('fromJson, fromObject and fromFile(.json) return the validated document', () => {
      const text = fs.readFileSync(FIXTURE_FILE, 'utf8');
      expect(LauncherContractLoader.fromJson(text)).toEqual(contractFixture());
      expect(LauncherContractLoader.fromObject(contractFixture()).agent).toBe('diagnostics');
      expect(LauncherContractLoader.fromFile(FIXTURE_FILE)).toEqual(contractFixture());
    });

    test('fromFile reads the ConfigMap out of a multi-document YAML manifest', () => {
      const d = dir({ 'agent-trust.k8s.yaml': yamlOf([...OTHER_OBJECTS, contractConfigMap(contractFixture())]) });
      const doc = LauncherContractLoader.fromFile(path.join(d, 'agent-trust.k8s.yaml'));
      expect(doc).toEqual(contractFixture());
      expect(LauncherContractLoader.fromFile(path.join(d, 'agent-trust.k8s.yaml'), 'diagnostics')).toEqual(contractFixture());
    });

    test('fromFile reads a JSON List of manifests', () => {
      const list = { apiVersion: 'v1', kind: 'List', items: [...OTHER_OBJECTS, contractConfigMap(contractFixture())] };
      const d = dir({ 'all.json': JSON.stringify(list) });
      expect(LauncherContractLoader.fromFile(path.join(d, 'all.json')).namespace).toBe('agents');
    });

    test('fromDirectory finds the agent among several agents and files', () => {
      const other = { ...contractFixture(), agent: 'capacity' };
      other.jobTemplate.metadata.labels['agent-trust.io/agent'] = 'capacity';
      other.jobTemplate.spec.template.metadata.labels['agent-trust.io/agent'] = 'capacity';
      const d = dir({
        'a.k8s.yaml': yamlOf(OTHER_OBJECTS),
        'b.k8s.yml': yamlOf([contractConfigMap(contractFixture())]),
        'c.json': JSON.stringify(contractConfigMap(other)),
        'notes.txt': 'not a manifest: ignored',
      });
      expect(LauncherContractLoader.fromDirectory(d, 'diagnostics').agent).toBe('diagnostics');
      expect(LauncherContractLoader.fromDirectory(d, 'capacity').agent).toBe('capacity');
      expect(LauncherContractLoader.fromPath(d, 'capacity').agent).toBe('capacity');
      expect(LauncherContractLoader.agentsIn(SynthOutput.readDirectory(d))).toEqual(['diagnostics', 'capacity']);
      expect(LauncherContractLoader.fromManifests(SynthOutput.readDirectory(d)).map(c => c.agent)).toEqual(['diagnostics', 'capacity']);
    });

    test('a broken contract of another agent does not block loading this one', () => {
      const broken = contractConfigMap({ ...contractFixture(), agent: 'capacity' });
      broken.data[LauncherContract.CONFIGMAP_KEY] = '{not json';
      broken.metadata.labels[LauncherContract.AGENT_LABEL] = 'capacity';
      const d = dir({ 'a.yaml': yamlOf([broken, contractConfigMap(contractFixture())]) });
      expect(LauncherContractLoader.fromDirectory(d, 'diagnostics').agent).toBe('diagnostics');
      const problems = problemsOf(() => LauncherContractLoader.fromDirectory(d, 'capacity'));
      expect(problems[0].field).toBe('data.contract.json');
      expect(problems[0].message).toMatch(/^is not valid JSON/);
    });
  });

  describe('errors', () => {
    test('an agent absent from the folder: the error lists the agents found', () => {
      const d = dir({ 'a.yaml': yamlOf([...OTHER_OBJECTS, contractConfigMap(contractFixture())]) });
      const [p, ...rest] = problemsOf(() => LauncherContractLoader.fromDirectory(d, 'billing'));
      expect(rest).toEqual([]);
      expect(p.path).toBe(d);
      expect(p.field).toBe('agent');
      expect(p.value).toBe('"billing"');
      expect(p.message).toBe('has no launcher contract here; found: diagnostics');
      expect(p.hint).toContain('--agent with one of: diagnostics');
    });

    test('a folder without any contract says so', () => {
      const d = dir({ 'a.yaml': yamlOf(OTHER_OBJECTS) });
      const [p] = problemsOf(() => LauncherContractLoader.fromDirectory(d, 'diagnostics'));
      expect(p.field).toBe('agent');
      expect(p.message).toBe('no launcher contract found here');
      const [q] = problemsOf(() => LauncherContractLoader.fromFile(path.join(d, 'a.yaml')));
      expect(q.message).toBe('no launcher contract found here');
      expect(q.hint).toContain('agent-trust.io/launcher-contract=true');
    });

    test('several contracts and no agent chosen', () => {
      const other = { ...contractFixture(), agent: 'capacity' };
      delete other.jobTemplate.metadata.labels;
      delete other.jobTemplate.spec.template.metadata.labels;
      const d = dir({ 'a.yaml': yamlOf([contractConfigMap(contractFixture()), contractConfigMap(other)]) });
      const [p] = problemsOf(() => LauncherContractLoader.fromFile(path.join(d, 'a.yaml')));
      expect(p.message).toBe('several contracts found (diagnostics, capacity)');
    });

    test('missing folder, missing file, unparsable files', () => {
      expect(problemsOf(() => LauncherContractLoader.fromDirectory('/nonexistent/dist', 'x'))[0].message).toBe('cannot be read (ENOENT)');
      expect(problemsOf(() => LauncherContractLoader.fromPath('/nonexistent/c.json'))[0].message).toBe('cannot be read (ENOENT)');
      expect(problemsOf(() => LauncherContractLoader.fromDirectory(FIXTURE_FILE, 'x'))[0].message).toBe('is not a directory');
      const d = dir({ 'bad.yaml': 'a: [unclosed', 'bad.json': '{', 'ok.yaml': yamlOf(OTHER_OBJECTS) });
      const problems = problemsOf(() => LauncherContractLoader.fromDirectory(d, 'x'));
      expect(problems.map(p => path.basename(p.path))).toEqual(['bad.json', 'bad.yaml']);
      expect(problems.map(p => p.message.replace(/ \(.*/, ''))).toEqual(['is not valid JSON', 'is not valid YAML']);
      expect(problemsOf(() => LauncherContractLoader.fromJson('{"apiVersion": '))[0].message).toMatch(/^is not valid JSON/);
    });

    test('a ConfigMap whose agent label disagrees with its document is refused', () => {
      const cm = contractConfigMap(contractFixture());
      cm.metadata.labels[LauncherContract.AGENT_LABEL] = 'capacity';
      const d = dir({ 'a.yaml': yamlOf([cm]) });
      const [p] = problemsOf(() => LauncherContractLoader.fromDirectory(d, 'capacity'));
      expect(p.field).toBe('metadata.labels.agent-trust.io/agent');
      expect(p.message).toBe('disagrees with the contract\'s agent "diagnostics"');
    });

    test('a ConfigMap without the data key', () => {
      const cm = contractConfigMap(contractFixture());
      delete cm.data;
      const [p] = problemsOf(() => LauncherContractLoader.fromObject(null as any) && undefined);
      expect(p.field).toBe('(document)');
      const d = dir({ 'a.yaml': yamlOf([cm]) });
      const [q] = problemsOf(() => LauncherContractLoader.fromDirectory(d, 'diagnostics'));
      expect(q.field).toBe('data.contract.json');
      expect(q.message).toBe('is missing');
    });
  });

  describe('validation (all problems collected)', () => {
    test('the fixture is valid', () => {
      expect(LauncherContractValidator.problems(contractFixture())).toEqual([]);
    });

    test('a different apiVersion is refused naming both versions', () => {
      const doc = { ...contractFixture(), apiVersion: 'agent-trust.io/v2' };
      const [p, ...rest] = problemsOf(() => LauncherContractLoader.fromObject(doc, 'dist/x.yaml'));
      expect(rest).toEqual([]);
      expect(p.path).toBe('dist/x.yaml');
      expect(p.field).toBe('apiVersion');
      expect(p.value).toBe('"agent-trust.io/v2"');
      expect(p.message).toContain('"agent-trust.io/v1alpha1"');
      expect(p.hint).toContain('"agent-trust.io/v2"');
    });

    test('every missing required field is reported at once', () => {
      const doc = contractFixture();
      for (const key of ['kind', 'agent', 'namespace', 'ceiling', 'jobDeadlineSeconds', 'containerName', 'env', 'phases', 'jobTemplate']) {
        delete doc[key];
      }
      expect(fieldsOf(doc)).toEqual([
        'kind=(unset)', 'agent=(unset)', 'namespace=(unset)', 'jobDeadlineSeconds=(unset)', 'containerName=(unset)',
        'env=(unset)', 'phases=(unset)', 'ceiling=(unset)', 'jobTemplate=(unset)',
      ]);
    });

    test('wrong types and bad values', () => {
      const doc = contractFixture();
      doc.agent = 'Diagnostics';
      doc.namespace = 42;
      doc.jobDeadlineSeconds = 0;
      doc.env.trustPhase = 'TRUST PHASE';
      doc.env.vaultRole = 'INVESTIGATION_ID';
      doc.phases[0].egress = 'all';
      doc.phases[0].vaultPaths = [1];
      doc.phases[0].podAnnotations = { a: 1 };
      doc.phases[1].vaultAuthMount = '';
      doc.phases[1].demotionTriggers = 'policy-violation';
      doc.phases[2].promotion.minSuccessRate = 90;
      doc.phases[2].promotion.minDays = -1;
      expect(fieldsOf(doc)).toEqual([
        'agent="Diagnostics"', 'namespace=42', 'jobDeadlineSeconds=0', 'env.trustPhase="TRUST PHASE"', 'env.vaultRole="INVESTIGATION_ID"',
        'phases[0].egress="all"', 'phases[0].vaultPaths=[1]', 'phases[0].podAnnotations={"a":1}',
        'phases[1].vaultAuthMount=""', 'phases[1].demotionTriggers="policy-violation"',
        'phases[2].promotion.minDays=-1', 'phases[2].promotion.minSuccessRate=90',
        // The template's namespace and agent label no longer match the (invalid) document values.
        'jobTemplate.metadata.namespace="agents"',
        'jobTemplate.metadata.labels.agent-trust.io/agent="diagnostics"',
        'jobTemplate.spec.template.metadata.labels.agent-trust.io/agent="diagnostics"',
      ]);
    });

    test('phases: empty, duplicated, ServiceAccount not derived, ceiling not a phase', () => {
      expect(fieldsOf({ ...contractFixture(), phases: [] })).toEqual(['phases=[]', 'ceiling="read-only"']);
      const doc = contractFixture();
      doc.phases[1].name = 'shadow';
      doc.phases[1].serviceAccount = 'agent-phase-shadow';
      doc.phases[2].serviceAccount = 'cluster-admin';
      doc.ceiling = 'read-only';
      const problems = LauncherContractValidator.problems(doc);
      expect(problems.map(p => `${p.field}=${p.value}: ${p.message}`)).toEqual([
        'phases[1].name="shadow": is listed twice',
        'phases[2].serviceAccount="cluster-admin": must be "agent-phase-limited-write"',
        'ceiling="read-only": is not one of the phases',
      ]);
      expect(problems[2].hint).toBe('use one of: shadow, limited-write, autonomous');
    });

    test('the template must leave every investigation-specific value to the renderer', () => {
      const doc = contractFixture();
      const t = doc.jobTemplate;
      t.metadata.name = 'investigation-fixed';
      t.metadata.namespace = 'default';
      t.metadata.labels['trust-phase'] = 'autonomous';
      t.spec.template.metadata.labels['investigation-id'] = 'x';
      t.spec.template.spec.serviceAccountName = 'agent-phase-autonomous';
      t.spec.template.spec.serviceAccount = 'agent-phase-autonomous';
      t.spec.template.spec.containers[0].env.push({ name: 'TRUST_PHASE', value: 'autonomous' });
      t.spec.template.spec.containers[0].env.find((e: any) => e.name === 'OTEL_RESOURCE_ATTRIBUTES').value = undefined;
      expect(fieldsOf(doc)).toEqual([
        'jobTemplate.metadata.name="investigation-fixed"',
        'jobTemplate.metadata.namespace="default"',
        'jobTemplate.metadata.labels.trust-phase="autonomous"',
        'jobTemplate.spec.template.metadata.labels.investigation-id="x"',
        'jobTemplate.spec.template.spec.serviceAccountName="agent-phase-autonomous"',
        'jobTemplate.spec.template.spec.serviceAccount="agent-phase-autonomous"',
        'jobTemplate.spec.template.spec.containers[0].env[4].value=(unset)',
        'jobTemplate.spec.template.spec.containers[0].env[5].name="TRUST_PHASE"',
      ]);
    });

    test('the agent container must exist; the template must be a Job', () => {
      const doc = contractFixture();
      doc.containerName = 'sidecar';
      const [p] = LauncherContractValidator.problems(doc);
      expect(`${p.field}=${p.value}: ${p.message}; ${p.hint}`).toBe('containerName="sidecar": names no container of jobTemplate; use one of: "agent"');
      const pod = contractFixture();
      pod.jobTemplate.kind = 'Pod';
      pod.jobTemplate.apiVersion = 'v1';
      expect(fieldsOf(pod)).toEqual(['jobTemplate.apiVersion/kind="v1/Pod"']);
      const empty = contractFixture();
      empty.jobTemplate.spec.template.spec.containers = [];
      expect(fieldsOf(empty)).toEqual(['jobTemplate.spec.template.spec.containers=[]']);
      expect(fieldsOf({ ...contractFixture(), jobTemplate: 'apiVersion: batch/v1' })).toEqual(['jobTemplate="apiVersion: batch/v1"']);
    });

    test('the messages carry path, field, value and fix', () => {
      const doc = { ...contractFixture(), ceiling: 'god-mode' };
      let message = '';
      try {
        LauncherContractLoader.fromObject(doc, 'dist/agent-trust.k8s.yaml');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toBe('dist/agent-trust.k8s.yaml is invalid (1 problem):\n'
        + '  - dist/agent-trust.k8s.yaml: ceiling = "god-mode": is not one of the phases. Fix: use one of: shadow, read-only, limited-write, autonomous');
    });
  });
});
