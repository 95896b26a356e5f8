import * as fs from 'fs';
import * as path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { Testing } from 'cdk8s';
import { defaultChart } from '../../examples/default/k8s';
import { defaultFleet } from '../../examples/default/fleet';
import { JobRenderer, LauncherContractLoader, LauncherContractValidator } from '../../lib/launcher';
import { LauncherContract } from '../../lib/model/launcher-contract';

const { Job } = require('kubernetes-models/batch/v1/Job');

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'launcher-contract.schema.json'), 'utf8'));

describe('the contract AgentJobTemplate synthesizes for the default example', () => {
  // GIVEN the default example chart, synthesized as `cdk8s synth` would
  const manifests = Testing.synth(defaultChart(Testing.app()));
  const fleet = defaultFleet();

  test('is found among the manifests, and passes the validator and the JSON Schema', () => {
    const [doc, ...others] = LauncherContractLoader.fromManifests(manifests, 'default example');
    expect(others).toEqual([]);
    expect(doc.agent).toBe('diagnostics');
    expect(doc.apiVersion).toBe(LauncherContract.API_VERSION);
    expect(LauncherContractValidator.problems(doc)).toEqual([]);
    const validate = new Ajv2020({ allErrors: true }).compile(schema);
    const valid = validate(doc);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    const cm = manifests.find(m => m.kind === 'ConfigMap' && m.metadata.name === LauncherContract.configMapName('diagnostics'));
    expect(cm.metadata.labels[LauncherContract.CONFIGMAP_LABEL]).toBe('true');
  });

  test('renders a schema-valid Job for every phase at or below the ceiling, and refuses the others', () => {
    const renderer = new JobRenderer(LauncherContractLoader.fromObjects(manifests, 'default example', 'diagnostics'));
    const agent = fleet.agent('diagnostics');
    expect(renderer.phases).toEqual(fleet.ladder.phases.map(p => p.name));
    expect(renderer.ceiling).toBe(fleet.ceilingOf(agent).name);
    expect(renderer.allowedPhases).toEqual(fleet.ladder.phasesUpTo(fleet.ceilingOf(agent)).map(p => p.name));
    for (const phase of renderer.allowedPhases) {
      const job = renderer.render({ investigationId: 'inv-42', phase });
      expect(() => new Job(job).validate()).not.toThrow();
      expect(job.metadata.name).toBe('investigation-inv-42');
      expect(job.metadata.namespace).toBe(fleet.namespace);
      expect(job.spec.template.metadata.labels).toEqual(expect.objectContaining({ 'investigation-id': 'inv-42', 'trust-phase': phase }));
      expect(job.spec.template.spec.serviceAccountName).toBe(`agent-phase-${phase}`);
      // The ServiceAccount the Job names is one the chart creates.
      expect(manifests.some(m => m.kind === 'ServiceAccount' && m.metadata.name === `agent-phase-${phase}`
        && m.metadata.namespace === fleet.namespace)).toBe(true);
    }
    for (const phase of renderer.phases.filter(p => !renderer.allowedPhases.includes(p))) {
      expect(() => renderer.render({ investigationId: 'inv-42', phase })).toThrow(/above the ceiling/);
    }
  });
});
