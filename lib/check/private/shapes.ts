/**
 * The JSON shapes of the fields the verifier reads, per kind: what the API
 * server's schema would reject anyway. A hand-edited object that breaks
 * them is reported (and left out of the other checks) instead of crashing
 * a check.
 */
type Shape = 'string' | 'number' | 'stringMap' | { readonly list: Shape } | { readonly fields: { [key: string]: Shape } };

const STRINGS: Shape = { list: 'string' };
const SELECTOR: Shape = {
  fields: { matchLabels: 'stringMap', matchExpressions: { list: { fields: { key: 'string', operator: 'string', values: STRINGS } } } },
};
const METADATA: Shape = { fields: { name: 'string', namespace: 'string', labels: 'stringMap', annotations: 'stringMap' } };
const RULE: Shape = { fields: { apiGroups: STRINGS, resources: STRINGS, verbs: STRINGS, resourceNames: STRINGS } };
const PEER: Shape = {
  fields: { ipBlock: { fields: { cidr: 'string', except: STRINGS } }, namespaceSelector: SELECTOR, podSelector: SELECTOR },
};

const BY_KIND: { [kind: string]: { [key: string]: Shape } } = {
  Role: { rules: { list: RULE } },
  ClusterRole: { rules: { list: RULE } },
  RoleBinding: { subjects: { list: { fields: { kind: 'string', name: 'string', namespace: 'string' } } }, roleRef: { fields: { kind: 'string', name: 'string' } } },
  ClusterRoleBinding: { subjects: { list: { fields: { kind: 'string', name: 'string', namespace: 'string' } } }, roleRef: { fields: { kind: 'string', name: 'string' } } },
  NetworkPolicy: {
    spec: {
      fields: {
        podSelector: SELECTOR, policyTypes: STRINGS,
        egress: { list: { fields: { to: { list: PEER } } } }, ingress: { list: { fields: { from: { list: PEER } } } },
      },
    },
  },
  ConfigMap: { data: 'stringMap' },
  ValidatingAdmissionPolicy: {
    spec: {
      fields: {
        failurePolicy: 'string', paramKind: { fields: {} },
        matchConstraints: {
          fields: {
            namespaceSelector: SELECTOR,
            resourceRules: { list: { fields: { apiGroups: STRINGS, resources: STRINGS, operations: STRINGS } } },
          },
        },
        validations: { list: { fields: { message: 'string' } } },
      },
    },
  },
  ValidatingAdmissionPolicyBinding: {
    spec: { fields: { policyName: 'string', validationActions: STRINGS, paramRef: { fields: { name: 'string', namespace: 'string' } } } },
  },
};

/** `at` is built only for a problem: verify checks the shape of every object of megabytes of output. */
function check(value: any, shape: Shape, at: () => string, out: string[]): void {
  if (value === undefined || value === null) {
    return;
  }
  if (shape === 'string' || shape === 'number') {
    if (typeof value !== shape) {
      out.push(`${at()} must be a ${shape} (got ${JSON.stringify(value)})`);
    }
  } else if (shape === 'stringMap') {
    if (typeof value !== 'object' || Array.isArray(value) || Object.values(value).some(v => typeof v !== 'string')) {
      out.push(`${at()} must map names to strings (got ${JSON.stringify(value)})`);
    }
  } else if ('list' in shape) {
    if (!Array.isArray(value)) {
      out.push(`${at()} must be a list (got ${JSON.stringify(value)})`);
    } else {
      for (let i = 0; i < value.length; i++) {
        check(value[i], shape.list, () => `${at()}[${i}]`, out);
      }
    }
  } else if (typeof value !== 'object' || Array.isArray(value)) {
    out.push(`${at()} must be an object (got ${JSON.stringify(value)})`);
  } else {
    for (const k of Object.keys(shape.fields)) {
      check(value[k], shape.fields[k], () => { const a = at(); return a ? `${a}.${k}` : k; }, out);
    }
  }
}

/** What is wrong with the shape of an object (empty when the verifier can read it). */
export function shapeProblems(m: any): string[] {
  const out: string[] = [];
  check(m?.metadata, METADATA, () => 'metadata', out);
  const fields = BY_KIND[m?.kind];
  if (fields) {
    check(m, { fields }, () => '', out);
  }
  return out.map(p => p.replace(/^\./, ''));
}
