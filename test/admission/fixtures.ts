import { Chart, Testing } from 'cdk8s';
import { defaultFleet } from '../../examples/default/fleet';
import { AgentJobTemplate, TrustPhaseAdmission, TrustPhaseAdmissionProps } from '../../lib/k8s';
import { JobRenderer } from '../../lib/launcher/job-renderer';
import { AgentFleet, AgentFleetProps, LauncherContract, TrustNames, TrustPhase } from '../../lib/model';
import { CelHarness } from '../helpers/cel-harness';

/** The default example's fleet with overrides. */
export function fleetWith(overrides: Partial<AgentFleetProps> = {}): AgentFleet {
  const base = defaultFleet();
  return new AgentFleet({
    namespace: base.namespace,
    targetNamespaces: base.targetNamespaces,
    agents: base.agents,
    domains: base.domains.map(d => ({ domain: d.domain, engine: d.engine, mountPath: d.mountPath, egress: d.egress })),
    hostnameEnforcement: base.hostnameEnforcement,
    kubernetesApi: base.kubernetesApi,
    ...overrides,
  });
}

/** Everything a test needs: the synthesized objects, the policy's harness, params and a renderer per agent. */
export interface AdmissionSetup {
  readonly fleet: AgentFleet;
  readonly chart: Chart;
  readonly admission: TrustPhaseAdmission;
  readonly objects: any[];
  readonly policy: any;
  readonly binding: any;
  readonly params: any;
  readonly harness: CelHarness;
  readonly renderers: { [agent: string]: JobRenderer };
}

/**
 * Synthesize TrustPhaseAdmission and an AgentJobTemplate per agent in one
 * chart, and compile the policy's validations exactly as synthesized.
 */
export function setup(fleet: AgentFleet = defaultFleet(), props: Partial<TrustPhaseAdmissionProps> = {}): AdmissionSetup {
  const chart = Testing.chart();
  const admission = new TrustPhaseAdmission(chart, 'Admission', { fleet, ...props });
  const templates = fleet.agents.map(a => new AgentJobTemplate(chart, `Template-${a.name}`, { fleet, agent: a.name }));
  const objects = Testing.synth(chart);
  const policy = objects.find(o => o.kind === 'ValidatingAdmissionPolicy');
  const binding = objects.find(o => o.kind === 'ValidatingAdmissionPolicyBinding');
  const params = objects.find(o => o.kind === 'ConfigMap' && o.metadata.name === binding.spec.paramRef.name);
  const renderers: { [agent: string]: JobRenderer } = {};
  for (const t of templates) {
    renderers[t.agent.name] = new JobRenderer(t.contract);
  }
  const harness = new CelHarness(policy.spec.validations, policy.spec.matchConditions, policy.spec.variables, launcherCreate(fleet));
  return { fleet, chart, admission, objects, policy, binding, params, harness, renderers };
}

/** The `request` of the default launcher creating a Job (what the Job tests send unless they say otherwise). */
export function launcherCreate(fleet: AgentFleet): any {
  return {
    operation: 'CREATE',
    userInfo: { username: `system:serviceaccount:${fleet.namespace}:agent-launcher`, groups: ['system:serviceaccounts', `system:serviceaccounts:${fleet.namespace}`, 'system:authenticated'] },
  };
}

/** Every path of a JSON value (to delete random subsets of them in fuzz tests). */
export function pathsOf(value: any): string[][] {
  const out: string[][] = [];
  const collect = (v: any, p: string[]): void => {
    if (v !== null && typeof v === 'object') {
      for (const k of Object.keys(v)) {
        out.push([...p, k]);
        collect(v[k], [...p, k]);
      }
    }
  };
  collect(value, []);
  return out;
}

/** A copy of `value` with the fields at `deleted` removed (list items spliced out). */
export function withoutPaths(value: any, deleted: string[][]): any {
  const o = copy(value);
  for (const p of deleted) {
    let parent: any = o;
    for (const k of p.slice(0, -1)) {
      parent = parent?.[k];
    }
    if (parent && typeof parent === 'object') {
      if (Array.isArray(parent)) {
        parent.splice(Number(p[p.length - 1]), 1);
      } else {
        delete parent[p[p.length - 1]];
      }
    }
  }
  return o;
}

/** Deep copy of JSON data. */
export function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value));
}

const SECURE_CONTAINER_CONTEXT = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  privileged: false,
  readOnlyRootFilesystem: true,
  runAsNonRoot: true,
  runAsUser: 65532,
};

/**
 * A hardened investigation Job written by hand from the seed (labels app /
 * investigation-id / trust-phase / agent, backoffLimit 0, deadline 900,
 * ServiceAccount agent-phase-<phase>, restricted security context, limits),
 * independent of AgentJobTemplate and JobRenderer: the rules must admit it
 * too, so they encode the seed's invariants and not one renderer's output.
 */
export function handWrittenJob(id: string, phase: string, agent = 'diagnostics', image = 'registry.example.com/agents/diagnostics:1.4.2'): any {
  const labels = {
    'app': 'autonomous-diagnostics',
    [LauncherContract.AGENT_LABEL]: agent,
    [LauncherContract.INVESTIGATION_LABEL]: id,
    [LauncherContract.PHASE_LABEL]: phase,
  };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: TrustNames.jobName(id), namespace: 'agents', labels: { ...labels } },
    spec: {
      backoffLimit: 0,
      activeDeadlineSeconds: 900,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          serviceAccountName: TrustNames.serviceAccount(phase),
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'agent',
            image,
            env: [{ name: 'INVESTIGATION_ID', value: id }],
            resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
            securityContext: { ...SECURE_CONTAINER_CONTEXT, capabilities: { drop: ['ALL'] } },
          }],
          volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } }],
        },
      },
    },
  };
}

/** A hardened init container (limits, allowed image, restricted context) to add to a Job. */
export function hardenedInitContainer(image = 'registry.example.com/agents/diagnostics:1.4.2'): any {
  return {
    name: 'init',
    image,
    resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '100m', memory: '64Mi' } },
    securityContext: { ...SECURE_CONTAINER_CONTEXT, capabilities: { drop: ['ALL'] } },
  };
}

/** The phase names of a fleet at or below an agent's ceiling. */
export function phasesUpToCeiling(fleet: AgentFleet, agent: string): string[] {
  return fleet.ladder.phasesUpTo(fleet.ceilingOf(fleet.agent(agent))).map((p: TrustPhase) => p.name);
}
