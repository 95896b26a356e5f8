import { EgressTarget } from './egress-target';
import { TrustNames } from './trust-names';
import { InputRules } from './private/input-rules';
import { ProblemCollector } from './private/problem-collector';

/** Declaration of one Kubernetes cluster a fleet runs in. */
export interface AgentClusterProps {
  /** Cluster name: a DNS label; names its output directory and its Vault auth mounts. */
  readonly name: string;
  /** API server URL as Vault reaches it (TokenReview), e.g. `https://eu-1.k8s.example.com:6443`. */
  readonly apiServerUrl: string;
  /**
   * PEM CA certificate of the API server (public): Vault checks this
   * cluster's TokenReview endpoint, and its OIDC discovery, with it.
   * @default - Vault's local service-account CA, which only the one cluster Vault itself runs in can use
   */
  readonly caCertificate?: string;
  /**
   * The cluster's service-account token issuer (its OIDC discovery URL),
   * e.g. `https://oidc.eu-1.k8s.example.com`. Required when the fleet uses
   * per-investigation identity (`vault.investigationIdentityMountPath`):
   * the cluster's JWT auth mount accepts only tokens this issuer signed.
   * @default - none
   */
  readonly issuerUrl?: string;
  /**
   * Where agent pods of this cluster reach its API server.
   * @default - the fleet's `kubernetesApi`
   */
  readonly kubernetesApi?: EgressTarget;
  /**
   * The namespaces agents investigate in this cluster.
   * @default - the fleet's `targetNamespaces`
   */
  readonly targetNamespaces?: string[];
}

/**
 * One Kubernetes cluster of a fleet (`AgentFleetProps.clusters`). Each
 * cluster gets its own output directory and, on Vault, its own Kubernetes
 * auth mount (and JWT mount) configured with this cluster's CA and issuer,
 * so a token of one cluster cannot log in as another.
 */
export class AgentCluster {
  /** Name. */
  public readonly name: string;
  /** API server URL. */
  public readonly apiServerUrl: string;
  /** API server CA (PEM), if given. */
  public readonly caCertificate?: string;
  /** Token issuer / OIDC discovery URL, if given. */
  public readonly issuerUrl?: string;
  /** API server egress of this cluster's agents, if it differs from the fleet's. */
  public readonly kubernetesApi?: EgressTarget;
  /** Target namespaces in this cluster, if they differ from the fleet's. */
  public readonly targetNamespaces?: string[];

  public constructor(props: AgentClusterProps) {
    this.name = props.name;
    this.apiServerUrl = props.apiServerUrl;
    this.caCertificate = props.caCertificate;
    this.issuerUrl = props.issuerUrl;
    this.kubernetesApi = props.kubernetesApi;
    this.targetNamespaces = props.targetNamespaces ? [...props.targetNamespaces] : undefined;
  }

  /**
   * Record every problem of this cluster's own fields at `path`
   * (`AgentFleet/clusters[i]`); `needsIssuer` when the fleet logs agents in
   * through JWT auth.
   * @internal
   */
  public _validate(problems: ProblemCollector, path: string, needsIssuer: boolean): void {
    TrustNames._checkDnsLabel(problems, path, 'name', this.name);
    if (!InputRules.isUrl(this.apiServerUrl, 'https')) {
      problems.add(path, 'apiServerUrl', this.apiServerUrl, 'is not an https URL without credentials',
        'use the API server URL Vault reaches, e.g. "https://eu-1.k8s.example.com:6443"');
    }
    if (this.caCertificate !== undefined) {
      if (/PRIVATE KEY/.test(this.caCertificate)) {
        problems.add(path, 'caCertificate', '(a PEM private key, not shown)', 'holds a private key; only public certificates belong here',
          'pass the API server CA certificate (BEGIN CERTIFICATE)');
      } else if (!/-----BEGIN CERTIFICATE-----/.test(this.caCertificate)) {
        problems.add(path, 'caCertificate', `${String(this.caCertificate).slice(0, 20)}…`, 'is not a PEM certificate',
          'pass the API server CA certificate as PEM ("-----BEGIN CERTIFICATE-----…")');
      }
    }
    if (this.issuerUrl !== undefined && !InputRules.isUrl(this.issuerUrl, 'https')) {
      problems.add(path, 'issuerUrl', this.issuerUrl, 'is not an https URL without credentials',
        'use the cluster\'s service-account issuer, e.g. "https://oidc.eu-1.k8s.example.com"');
    }
    if (needsIssuer && this.issuerUrl === undefined) {
      problems.add(path, 'issuerUrl', undefined,
        'is required: the fleet logs agents in through JWT auth (vault.investigationIdentityMountPath), and this cluster\'s JWT mount must accept only tokens its own issuer signed',
        'set issuerUrl to the cluster\'s service-account issuer (kubectl get --raw /.well-known/openid-configuration | jq -r .issuer)');
    }
    this.kubernetesApi?._validate(problems, `${path}/kubernetesApi`);
  }
}
