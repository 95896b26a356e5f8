/**
 * The hand-written baseline, Kubernetes half: the objects of
 * examples/default/k8s.ts written directly with cdk8s-plus-28's L1 classes,
 * the way a platform team would without this library. It must NOT import
 * lib/: the ladder, the names and the contract are typed out here.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
// The ValidatingAdmissionPolicy's CEL, typed once as a literal manifest (what
// a hand-writer keeps in a YAML file): it names the agent namespace, the
// 900 s deadline and the registry of this benchmark's fleets.
import * as ADMISSION_POLICY_SPEC from './admission-policy-spec.json';
import { EgressParams, FleetParams } from './fleet-params';
import { AUTONOMOUS, LIMITED_WRITE, READ, READ_ONLY, Rule, SHADOW } from './standard-ladder-rules';

const k8s = kplus.k8s;
const q = (s: string): kplus.k8s.Quantity => k8s.Quantity.fromString(s);
const MANAGED = { 'app.kubernetes.io/managed-by': 'cdk-agent-trust' };
const METADATA_CIDR = '169.254.0.0/16';
const SHARED_ADDRESS_CIDR = '100.64.0.0/10';

const LEVELS = ['read-only', 'limited-write', 'autonomous'];
interface Promotion { minInvestigations: number; minSuccessRate: number; maxPolicyViolations: number; minDays: number; requiredApprovals: number }
interface Phase { name: string; rules: Rule[]; level: (domain: string) => string; promotion?: Promotion; demotion: string[] }
const DEMOTION = ['policy-violation', 'security-incident'];
/** Phase, its rules, its credential level per domain ('' = none; shadow has only LLM read-only), promotion and demotion. */
const PHASES: Phase[] = [
  { name: 'shadow', rules: SHADOW, level: d => (d === 'llm' ? 'read-only' : ''), demotion: DEMOTION },
  {
    name: 'read-only', rules: READ_ONLY, level: () => 'read-only', demotion: DEMOTION,
    promotion: { minInvestigations: 25, minSuccessRate: 0.9, maxPolicyViolations: 0, minDays: 7, requiredApprovals: 1 },
  },
  {
    name: 'limited-write', rules: LIMITED_WRITE, level: () => 'limited-write', demotion: DEMOTION,
    promotion: { minInvestigations: 50, minSuccessRate: 0.9, maxPolicyViolations: 0, minDays: 14, requiredApprovals: 2 },
  },
  {
    name: 'autonomous', rules: AUTONOMOUS, level: () => 'autonomous', demotion: [...DEMOTION, 'success-rate-drop'],
    promotion: { minInvestigations: 100, minSuccessRate: 0.95, maxPolicyViolations: 0, minDays: 30, requiredApprovals: 2 },
  },
];
const SEGMENT: { [domain: string]: string } = { network: 'sign', database: 'creds', application: 'creds', llm: 'data', cloud: 'sts' };
const VAULT_EGRESS: EgressParams = { namespace: 'vault', podLabels: { 'app.kubernetes.io/name': 'vault' }, ports: [8200] };

function ipv4(cidr: string): [number, number] {
  const [addr, len] = cidr.split('/');
  return [addr.split('.').reduce((a, o) => a * 256 + Number(o), 0), Number(len)];
}
/** `except` of an IP block, with the cloud-metadata range and the shared address space carved out when the block is wider. */
function exceptOf(e: EgressParams): string[] {
  const except = [...(e.except ?? [])];
  const [net, len] = ipv4(e.cidr!);
  const block = 2 ** (32 - len);
  for (const carved of [METADATA_CIDR, SHARED_ADDRESS_CIDR]) {
    const [inner, innerLen] = ipv4(carved);
    if (len < innerLen && Math.floor(net / block) === Math.floor(inner / block) && !except.includes(carved)) {
      except.push(carved);
    }
  }
  return except;
}

function egressText(e: EgressParams): string {
  const ports = e.ports.map(p => `${p}/TCP`).join(',');
  if (e.cidr !== undefined) {
    const except = exceptOf(e);
    return `${e.cidr}${except.length ? ` (except ${except.join(', ')})` : ''}:${ports}`;
  }
  const labels = Object.entries(e.podLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(',');
  return `namespace ${e.namespace}${labels ? ` pods ${labels}` : ''}:${ports}`;
}

function egressRule(e: EgressParams): kplus.k8s.NetworkPolicyEgressRule {
  const ports = e.ports.map(p => ({ port: k8s.IntOrString.fromNumber(p), protocol: 'TCP' }));
  if (e.cidr !== undefined) {
    const except = exceptOf(e);
    return { to: [{ ipBlock: { cidr: e.cidr, except: except.length ? except : undefined } }], ports };
  }
  return {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': e.namespace! } },
      podSelector: { matchLabels: { ...e.podLabels } },
    }],
    ports,
  };
}

function phaseEgress(p: FleetParams, phase: Phase): EgressParams[] {
  return [VAULT_EGRESS, ...p.domains.filter(d => phase.level(d.name) !== '').flatMap(d => d.egress)];
}

function vaultPaths(p: FleetParams, phase: Phase): string[] {
  const paths: string[] = [];
  for (const d of p.domains) {
    const level = phase.level(d.name);
    for (const l of level ? LEVELS.slice(0, LEVELS.indexOf(level) + 1) : []) {
      paths.push(`agents/${d.name}/${SEGMENT[d.name]}/${l}`);
    }
  }
  return paths.sort();
}

/** The Job template of the launcher contract, keys in the order cdk8s writes them (sorted). */
function jobTemplate(p: FleetParams, agent: string, image: string, suffix: string): any {
  const labels = { 'agent-trust.io/agent': agent, 'app': 'autonomous-diagnostics' };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { labels, namespace: p.namespace },
    spec: {
      activeDeadlineSeconds: 900,
      backoffLimit: 0,
      podFailurePolicy: {
        rules: [
          { action: 'Ignore', onPodConditions: [{ status: 'True', type: 'DisruptionTarget' }] },
          { action: 'FailJob', onExitCodes: { containerName: 'agent', operator: 'In', values: [2, 78] } },
        ],
      },
      template: {
        metadata: { labels },
        spec: {
          activeDeadlineSeconds: 900,
          automountServiceAccountToken: false,
          containers: [{
            env: [
              { name: 'OTEL_SERVICE_NAME', value: agent },
              { name: 'VAULT_ADDR', value: 'https://vault.vault.svc:8200' },
              { name: 'VAULT_AUTH_MOUNT', value: `jwt-agents${suffix}` },
              { name: 'VAULT_AUTH_METHOD', value: 'jwt' },
              { name: 'VAULT_K8S_TOKEN_PATH', value: '/var/run/secrets/vault/token' },
              { name: 'VAULT_TOKEN_RENEW_INTERVAL', value: '150' },
              { name: 'VAULT_REVOKE_ON_EXIT', value: 'true' },
              { name: 'TMPDIR', value: '/tmp' },
            ],
            image,
            imagePullPolicy: 'Always',
            name: 'agent',
            resources: { limits: { cpu: '2', memory: '4Gi' }, requests: { cpu: '500m', memory: '1Gi' } },
            securityContext: {
              allowPrivilegeEscalation: false,
              capabilities: { drop: ['ALL'] },
              privileged: false,
              readOnlyRootFilesystem: true,
              runAsGroup: 65532,
              runAsNonRoot: true,
              runAsUser: 65532,
            },
            volumeMounts: [
              { mountPath: '/scratch', name: 'scratch' },
              { mountPath: '/tmp', name: 'tmp' },
              { mountPath: '/var/run/secrets/vault', name: 'vault-token', readOnly: true },
            ],
          }],
          dnsPolicy: 'ClusterFirst',
          hostNetwork: false,
          restartPolicy: 'Never',
          securityContext: {
            fsGroup: 65532,
            fsGroupChangePolicy: 'Always',
            runAsGroup: 65532,
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          setHostnameAsFQDN: false,
          terminationGracePeriodSeconds: 30,
          volumes: [
            { emptyDir: { medium: 'Memory', sizeLimit: '256Mi' }, name: 'scratch' },
            { emptyDir: { medium: 'Memory', sizeLimit: '64Mi' }, name: 'tmp' },
            { name: 'vault-token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 600, path: 'token' } }] } },
          ],
        },
      },
      ttlSecondsAfterFinished: 3600,
    },
  };
}

function contract(p: FleetParams, agent: { name: string; image: string; ceiling: string }, suffix: string): string {
  return JSON.stringify({
    apiVersion: 'agent-trust.io/v1alpha1',
    kind: 'LauncherContract',
    agent: agent.name,
    namespace: p.namespace,
    ceiling: agent.ceiling,
    jobDeadlineSeconds: 900,
    containerName: 'agent',
    env: {
      investigationId: 'INVESTIGATION_ID',
      trustPhase: 'TRUST_PHASE',
      vaultRole: 'VAULT_ROLE',
      otelResourceAttributes: 'OTEL_RESOURCE_ATTRIBUTES',
    },
    vaultToken: {
      ttlSeconds: 300,
      explicitMaxTtlSeconds: 960,
      renewIntervalSeconds: 150,
      revokeOnExit: true,
      renewIntervalEnv: 'VAULT_TOKEN_RENEW_INTERVAL',
      revokeOnExitEnv: 'VAULT_REVOKE_ON_EXIT',
    },
    phases: PHASES.map(phase => ({
      name: phase.name,
      serviceAccount: `agent-phase-${phase.name}`,
      vaultRole: `agent-phase-${phase.name}`,
      vaultAuthMount: `kubernetes-agents${suffix}`,
      vaultJwtAuthMount: `jwt-agents${suffix}`,
      egress: phaseEgress(p, phase).map(egressText),
      vaultPaths: vaultPaths(p, phase),
      promotion: phase.promotion,
      demotionTriggers: phase.demotion,
    })),
    jobTemplate: jobTemplate(p, agent.name, agent.image, suffix),
    targetNamespaces: p.targetNamespaces,
    allowedRegistries: ['registry.example.com/'],
  }, undefined, 2);
}

/**
 * Every Kubernetes object of the fleet, written by hand; synthesized with
 * `chart.toJson()`. With `cluster`, the objects of that cluster: the same,
 * except that agents log in to its own Vault mounts (`kubernetes-agents-<cluster>`,
 * `jwt-agents-<cluster>`).
 */
export function baselineK8s(p: FleetParams, cluster?: string): any[] {
  const suffix = cluster === undefined ? '' : `-${cluster}`;
  const app = new App();
  const chart = new Chart(app, 'agent-trust', { disableResourceNameHashes: true });
  const ns = p.namespace;
  const strict = (mode: string): { [k: string]: string } => ({
    [`pod-security.kubernetes.io/${mode}`]: 'restricted', [`pod-security.kubernetes.io/${mode}-version`]: 'latest',
  });

  new k8s.KubeNamespace(chart, 'Namespace', {
    metadata: { name: ns, labels: { ...strict('enforce'), ...strict('audit'), ...strict('warn') } },
  });
  new k8s.KubeResourceQuota(chart, 'Quota', {
    metadata: { name: `${ns}-quota`, namespace: ns },
    spec: {
      hard: {
        'pods': q('10'), 'requests.cpu': q('5'), 'requests.memory': q('10Gi'),
        'limits.cpu': q('20'), 'limits.memory': q('40Gi'), 'count/jobs.batch': q('50'),
      },
    },
  });
  new k8s.KubeLimitRange(chart, 'Limits', {
    metadata: { name: `${ns}-limits`, namespace: ns },
    spec: {
      limits: [{
        type: 'Container',
        defaultRequest: { cpu: q('500m'), memory: q('1Gi') },
        default: { cpu: q('2'), memory: q('4Gi') },
        max: { cpu: q('2'), memory: q('4Gi') },
      }],
    },
  });
  new k8s.KubeNetworkPolicy(chart, 'DefaultDeny', {
    metadata: { name: 'default-deny-all', namespace: ns },
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  });

  for (const phase of PHASES) {
    const sa = `agent-phase-${phase.name}`;
    const labels = { ...MANAGED, 'trust-phase': phase.name };
    const subjects = [{ kind: 'ServiceAccount', name: sa, namespace: ns }];
    const toRule = (r: Rule): kplus.k8s.PolicyRule => ({ apiGroups: r.apiGroups, resources: r.resources, verbs: r.verbs });
    const namespaced = phase.rules.filter(r => !r.cluster).map(toRule);
    const cluster = phase.rules.filter(r => r.cluster).map(toRule);
    new k8s.KubeServiceAccount(chart, `SA-${phase.name}`, {
      metadata: { name: sa, namespace: ns, labels },
      automountServiceAccountToken: false,
    });
    for (const target of p.targetNamespaces) {
      // The namespace in the name: cdk8s per-resource output names files <kind>.<name>.
      const role = `${sa}.${target}`;
      new k8s.KubeRole(chart, `Role-${phase.name}-${target}`, { metadata: { name: role, namespace: target, labels }, rules: namespaced });
      new k8s.KubeRoleBinding(chart, `RoleBinding-${phase.name}-${target}`, {
        metadata: { name: role, namespace: target, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role },
        subjects,
      });
    }
    if (cluster.length > 0) {
      const name = `agent-trust-${ns}-${sa}`;
      new k8s.KubeClusterRole(chart, `ClusterRole-${phase.name}`, { metadata: { name, labels }, rules: cluster });
      new k8s.KubeClusterRoleBinding(chart, `ClusterRoleBinding-${phase.name}`, {
        metadata: { name, labels },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects,
      });
    }
  }

  const dns: kplus.k8s.NetworkPolicyEgressRule = {
    to: [{
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
      podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
    }],
    ports: [{ port: k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
  };
  for (const phase of PHASES) {
    new k8s.KubeNetworkPolicy(chart, `Network-${phase.name}`, {
      metadata: { name: `agent-phase-${phase.name}`, namespace: ns, labels: { ...MANAGED, 'trust-phase': phase.name } },
      spec: {
        podSelector: { matchLabels: { 'trust-phase': phase.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [],
        egress: [dns, ...phaseEgress(p, phase).map(egressRule)],
      },
    });
  }

  for (const agent of p.agents) {
    new k8s.KubeConfigMap(chart, `Contract-${agent.name}`, {
      metadata: {
        name: `${agent.name}-launcher-contract`,
        namespace: ns,
        labels: { 'agent-trust.io/launcher-contract': 'true', 'agent-trust.io/agent': agent.name, ...MANAGED },
      },
      data: { 'contract.json': contract(p, agent, suffix) },
    });
  }

  const launcher = 'agent-launcher';
  const launcherLabels = { ...MANAGED, 'app.kubernetes.io/component': 'launcher' };
  new k8s.KubeServiceAccount(chart, 'Launcher', {
    metadata: { name: launcher, namespace: ns, labels: launcherLabels },
    automountServiceAccountToken: false,
  });
  new k8s.KubeRole(chart, 'LauncherRole', {
    metadata: { name: launcher, namespace: ns, labels: launcherLabels },
    rules: [
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: READ, resourceNames: p.agents.map(a => `${a.name}-launcher-contract`).sort() },
    ],
  });
  new k8s.KubeRoleBinding(chart, 'LauncherRoleBinding', {
    metadata: { name: launcher, namespace: ns, labels: launcherLabels },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: launcher },
    subjects: [{ kind: 'ServiceAccount', name: launcher, namespace: ns }],
  });

  const admission = `agent-trust-admission-${ns}`;
  const { default: _default, ...policySpec } = ADMISSION_POLICY_SPEC as any;
  // The identity guards (Pod, Job creator, token request, exec) are off on both sides, with the reason recorded.
  const guardOff = 'bench: the hand-written baseline covers the Job policy only';
  const annotations = Object.fromEntries(['job-contract', 'job-creator', 'params', 'pod', 'pod-connect', 'token-request']
    .map(id => [`agent-trust.io/guard-off.${id}`, guardOff]));
  new ApiObject(chart, 'AdmissionPolicy', {
    apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: admission, annotations }, spec: policySpec,
  });
  new ApiObject(chart, 'AdmissionBinding', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name: admission },
    spec: {
      policyName: admission,
      validationActions: ['Deny'],
      paramRef: { name: 'agent-trust-ceilings', namespace: ns, parameterNotFoundAction: 'Deny' },
    },
  });
  const ceilings: { [key: string]: string } = {};
  for (const agent of p.agents) {
    ceilings[`ceiling.${agent.name}`] = agent.ceiling;
    ceilings[`image.${agent.name}`] = agent.image;
  }
  PHASES.forEach((phase, rank) => { ceilings[`rank.${phase.name}`] = `${rank}`; });
  new k8s.KubeConfigMap(chart, 'AdmissionParams', {
    metadata: {
      name: 'agent-trust-ceilings',
      namespace: ns,
      annotations: {
        'agent-trust.io/purpose': `trust ceilings read by ValidatingAdmissionPolicy ${admission}; a ceiling change is a promotion and must be reviewed`,
      },
    },
    data: ceilings,
  });
  return chart.toJson();
}

/** One cluster's objects per declared cluster (one App each, as a hand-writer keeps one directory per cluster). */
export function baselineClustersK8s(p: FleetParams): any[][] {
  return p.clusters ? p.clusters.map(c => baselineK8s(p, c.name)) : [baselineK8s(p)];
}
