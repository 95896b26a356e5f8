import { Construct } from 'constructs';
import { AdmissionGuard, AdmissionGuardOverride, AgentFleet, DenylistOverride, KubernetesRule, SecretEngineKind } from '../model';
import { AgentAlerts } from './agent-alerts';
import { AgentDashboard } from './agent-dashboard';
import { AgentJobTemplate } from './agent-job-template';
import { AgentNamespace } from './agent-namespace';
import { LadderServiceAccounts } from './ladder-service-accounts';
import { LauncherAccess } from './launcher-access';
import { EgressProxyAllowlist } from './egress-proxy-allowlist';
import { PhaseNetworkPolicy } from './phase-network-policy';
import { pathOf } from './private/k8s-util';
import { AdmissionApiVersion, AdmissionEnforcement, TrustPhaseAdmission } from './trust-phase-admission';
import { VaultKubernetesEngineAccess } from './vault-kubernetes-engine-access';
import { ProblemCollector } from '../model/private/problem-collector';

/** Roots whose fleets are already checked against each other (by their first AgentKubernetesTrust). */
const CHECKED_ROOTS = new WeakSet<Construct>();

/** Props of `AgentKubernetesTrust`. */
export interface AgentKubernetesTrustProps {
  /** The fleet: the one declaration every object is rendered from. */
  readonly fleet: AgentFleet;
  /**
   * Extra Kubernetes rules per phase name (see `LadderServiceAccountsProps.additionalRules`).
   * @default - none
   */
  readonly additionalRules?: { [phase: string]: KubernetesRule[] };
  /**
   * Named denylist exceptions per phase name.
   * @default - none
   */
  readonly allowDenied?: { [phase: string]: DenylistOverride[] };
  /**
   * API version of the admission policy (`V1BETA1` for 1.28/1.29 clusters).
   * @default AdmissionApiVersion.V1
   */
  readonly admissionApiVersion?: AdmissionApiVersion;
  /**
   * How admission failures are enforced (`WARN_AND_AUDIT` for a dry-run rollout).
   * @default AdmissionEnforcement.DENY
   */
  readonly admissionEnforcement?: AdmissionEnforcement;
  /**
   * Admission guards turned off, each with a reason (see `TrustPhaseAdmissionProps.disabledGuards`).
   * @default - none: every guard on
   */
  readonly disabledAdmissionGuards?: AdmissionGuardOverride[];
  /**
   * Usernames besides the launcher's ServiceAccount allowed to create investigation Jobs.
   * @default - none: only the launcher
   */
  readonly additionalJobCreators?: string[];
  /**
   * Usernames allowed to write the ceilings and launcher-contract ConfigMaps (see `TrustPhaseAdmissionProps.promotionIdentities`).
   * @default - `system:serviceaccount:<fleet namespace>:agent-trust-promoter`
   */
  readonly promotionIdentities?: string[];
  /**
   * Usernames the Job controller creates Pods as.
   * @default - `system:serviceaccount:kube-system:job-controller` and `system:kube-controller-manager`
   */
  readonly podCreators?: string[];
  /**
   * Emit the prometheus-operator `PrometheusRule` with agent alerts.
   * @default false - the CRD may not exist in the cluster
   */
  readonly alerts?: boolean;
  /**
   * Emit the Grafana dashboard ConfigMap (`AgentDashboard`, label
   * `grafana_dashboard: "1"`); it reads the recording rules of `alerts`.
   * @default false
   */
  readonly dashboard?: boolean;
  /**
   * OTLP endpoint set in every agent's Job template.
   * @default - not set
   */
  readonly otlpEndpoint?: string;
  /**
   * RuntimeClass (gVisor, Kata) for every agent's Job template.
   * @default - the cluster default runtime
   */
  readonly runtimeClassName?: string;
  /**
   * Namespace of Vault's ServiceAccount, granted what the Kubernetes secrets
   * engine needs in the target namespaces (for each domain it serves).
   * @default "vault"
   */
  readonly vaultNamespace?: string;
  /**
   * Name of Vault's ServiceAccount.
   * @default "vault"
   */
  readonly vaultServiceAccountName?: string;
}

/**
 * Everything Kubernetes needs for one fleet, composed from the individual
 * constructs: the agent namespace with Pod Security, quota and limits; one
 * ServiceAccount and its RBAC per phase; one egress NetworkPolicy per phase
 * (reaching the API server when the fleet declares `kubernetesApi`, in which
 * case the Job templates also mount a short-lived API token);
 * one Job template and launcher contract per agent; the launcher's access;
 * Vault's access for domains served by the Kubernetes secrets engine;
 * the admission policies that enforce the ceilings and keep every phase
 * identity inside admitted investigations (Jobs only from the launcher,
 * Pods only from the Job controller and shaped like the template, phase
 * tokens only for investigation Pods, no exec into them); optionally the
 * alerts and the dashboard.
 * Use the individual constructs instead when you need their finer props.
 */
export class AgentKubernetesTrust extends Construct {
  /** Namespace, quota, limits. */
  public readonly namespace: AgentNamespace;
  /** One ServiceAccount (and RBAC) per rendered phase (`fleet.renderedPhases`). */
  public readonly phases: LadderServiceAccounts;
  /** One egress policy per rendered phase, lowest first. */
  public readonly networkPolicies: PhaseNetworkPolicy[];
  /** One Job template per agent, in fleet order. */
  public readonly jobTemplates: AgentJobTemplate[];
  /** The launcher's ServiceAccount and Role. */
  public readonly launcher: LauncherAccess;
  /** The admission policies (Jobs, Pods, token requests, exec) and the ceilings. */
  public readonly admission: TrustPhaseAdmission;
  /** The alerts, when enabled. */
  public readonly alerts?: AgentAlerts;
  /** The dashboard, when enabled. */
  public readonly dashboard?: AgentDashboard;
  /** Vault's access for each domain served by the Kubernetes secrets engine. */
  public readonly vaultEngineAccess: VaultKubernetesEngineAccess[];
  /** The egress proxy's hostname allowlist, when the fleet enforces hostnames through a proxy. */
  public readonly egressProxyAllowlist?: EgressProxyAllowlist;
  /** The fleet rendered (for the check across the fleets of one app). */
  private readonly fleet: AgentFleet;

  public constructor(scope: Construct, id: string, props: AgentKubernetesTrustProps) {
    super(scope, id);
    const fleet = props.fleet;
    this.fleet = fleet;
    // One app is one cluster's output: the fleets composed into it must not claim one target namespace.
    // Checked once per app, at synth, when every fleet of it is composed.
    if (!CHECKED_ROOTS.has(this.node.root)) {
      CHECKED_ROOTS.add(this.node.root);
      this.node.addValidation({ validate: () => this.fleetConflicts() });
    }
    this.namespace = new AgentNamespace(this, 'Namespace', { fleet });
    this.phases = new LadderServiceAccounts(this, 'Phases', {
      fleet, additionalRules: props.additionalRules, allowDenied: props.allowDenied,
    });
    // The API token and the egress to the API server come together from the fleet's
    // kubernetesApi: the constructs' own defaults, so hand composition renders the same.
    this.networkPolicies = fleet.renderedPhases.map(phase => new PhaseNetworkPolicy(this, `Network-${phase.name}`, { fleet, phase }));
    this.jobTemplates = fleet.agents.map(agent => new AgentJobTemplate(this, `Job-${agent.name}`, {
      fleet, agent: agent.name, otlpEndpoint: props.otlpEndpoint, runtimeClassName: props.runtimeClassName,
    }));
    this.launcher = new LauncherAccess(this, 'Launcher', { fleet });
    // The templates shape the Pod policy; without it they have nothing to shape.
    const podGuardOff = (props.disabledAdmissionGuards ?? []).some(o => o?.guard === AdmissionGuard.POD);
    this.admission = new TrustPhaseAdmission(this, 'Admission', {
      fleet, apiVersion: props.admissionApiVersion, enforcement: props.admissionEnforcement,
      launcher: this.launcher, jobTemplates: podGuardOff ? undefined : this.jobTemplates, disabledGuards: props.disabledAdmissionGuards,
      additionalJobCreators: props.additionalJobCreators, podCreators: props.podCreators,
      promotionIdentities: props.promotionIdentities,
    });
    this.vaultEngineAccess = fleet.domains.filter(d => d.engine === SecretEngineKind.KUBERNETES).map(d =>
      new VaultKubernetesEngineAccess(this, `VaultEngine-${d.domain.name}`, {
        fleet, domain: d.domain, vaultNamespace: props.vaultNamespace, vaultServiceAccountName: props.vaultServiceAccountName,
      }));
    if (props.alerts) {
      this.alerts = new AgentAlerts(this, 'Alerts', { fleet, admission: this.admission });
    }
    if (props.dashboard) {
      this.dashboard = new AgentDashboard(this, 'Dashboard', { fleet, admission: this.admission });
    }
    if (fleet.hostnameEnforcement?.isProxy) {
      this.egressProxyAllowlist = new EgressProxyAllowlist(this, 'EgressProxy', { fleet });
    }
  }

  /** A problem for every target namespace two `AgentKubernetesTrust` of different fleets in this app both claim. */
  private fleetConflicts(): string[] {
    const trusts = this.node.root.node.findAll().filter((c): c is AgentKubernetesTrust => c instanceof AgentKubernetesTrust);
    const problems = new ProblemCollector();
    AgentFleet._checkOneCluster(problems, trusts.map(t => pathOf(t)), trusts.map(t => t.fleet));
    return problems.toMessages();
  }
}
