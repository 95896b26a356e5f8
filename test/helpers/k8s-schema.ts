/**
 * Offline Kubernetes schema validation with kubernetes-models@4.5.1 (the
 * Kubernetes 1.33 OpenAPI schemas, precompiled). Every kind the library may
 * emit is mapped explicitly; an unmapped kind is an error, so a new object
 * type cannot slip out unvalidated.
 */
type ModelClass = new (data: any) => { validate(): void };

/** Validate a v1beta1 object with its v1 model (same spec, other apiVersion). */
function asV1(Model: ModelClass): ModelClass {
  return class {
    private readonly data: any;
    public constructor(data: any) {
      this.data = { ...data, apiVersion: 'admissionregistration.k8s.io/v1' };
    }
    public validate(): void {
      new Model(this.data).validate();
    }
  };
}

/**
 * Cilium's CiliumNetworkPolicy, against the subset of Cilium's published CRD
 * schema in test/schema/cilium (source and version in its SOURCE.md).
 */
let ciliumValidate: any;
function ciliumNetworkPolicy(): ModelClass {
  const Ajv = require('ajv').default;
  ciliumValidate ??= new Ajv({ allErrors: true, strict: false }).compile(require('../schema/cilium/ciliumnetworkpolicy-v2.subset.schema.json'));
  const validate = ciliumValidate;
  return class {
    public constructor(private readonly data: any) {}
    public validate(): void {
      if (!validate(this.data)) {
        throw new Error(validate.errors.map((e: any) => `${e.instancePath || '/'} ${e.message}`).join('; '));
      }
    }
  };
}

const MODELS: { [apiVersionKind: string]: () => ModelClass } = {
  'v1/Namespace': () => require('kubernetes-models/v1/Namespace').Namespace,
  'v1/ResourceQuota': () => require('kubernetes-models/v1/ResourceQuota').ResourceQuota,
  'v1/LimitRange': () => require('kubernetes-models/v1/LimitRange').LimitRange,
  'v1/ServiceAccount': () => require('kubernetes-models/v1/ServiceAccount').ServiceAccount,
  'v1/ConfigMap': () => require('kubernetes-models/v1/ConfigMap').ConfigMap,
  'batch/v1/Job': () => require('kubernetes-models/batch/v1/Job').Job,
  'rbac.authorization.k8s.io/v1/Role': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/Role').Role,
  'rbac.authorization.k8s.io/v1/RoleBinding': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding').RoleBinding,
  'rbac.authorization.k8s.io/v1/ClusterRole': () => require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole').ClusterRole,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': () =>
    require('kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding').ClusterRoleBinding,
  'networking.k8s.io/v1/NetworkPolicy': () => require('kubernetes-models/networking.k8s.io/v1/NetworkPolicy').NetworkPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': () =>
    require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy').ValidatingAdmissionPolicy,
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': () =>
    require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding').ValidatingAdmissionPolicyBinding,
  // kubernetes-models 4.5.1 (1.33 schemas) no longer ships the v1beta1
  // admission policy kinds; their spec is the same as v1's (the GA release
  // changed no field), so they are checked against the v1 schema.
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicy': () => asV1(
    require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy').ValidatingAdmissionPolicy),
  'admissionregistration.k8s.io/v1beta1/ValidatingAdmissionPolicyBinding': () => asV1(
    require('kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding').ValidatingAdmissionPolicyBinding),
  'cilium.io/v2/CiliumNetworkPolicy': ciliumNetworkPolicy,
  // prometheus-operator CRD (AgentAlerts), from the same project's CRD models.
  'monitoring.coreos.com/v1/PrometheusRule': () =>
    require('@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule').PrometheusRule,
};

/** The `apiVersion/kind` keys this validator knows. */
export function knownKinds(): string[] {
  return Object.keys(MODELS);
}

/**
 * Validate one manifest against its schema; throws naming the object on a
 * schema error and on a kind the map does not hold.
 */
export function validateManifest(manifest: any): void {
  const key = `${manifest?.apiVersion}/${manifest?.kind}`;
  const name = `${key} ${manifest?.metadata?.namespace ?? ''}/${manifest?.metadata?.name}`;
  const model = MODELS[key];
  if (!model) {
    throw new Error(`no schema for ${name}: unknown kind ${JSON.stringify(key)}; map it in test/helpers/k8s-schema.ts`);
  }
  const Model = model();
  try {
    new Model(manifest).validate();
  } catch (e) {
    throw new Error(`${name} fails its schema: ${(e as Error).message}`);
  }
}
