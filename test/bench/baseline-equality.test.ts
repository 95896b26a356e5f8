// The benchmark compares the library with a hand-written baseline; the
// comparison only means something if both emit the same objects. Not timed.
import * as fs from 'fs';
import * as path from 'path';
import { baselineClustersK8s, baselineK8s } from '../../bench/baseline-k8s';
import { baselineVault } from '../../bench/baseline-vault';
import {
  canonicalK8s, canonicalTerraform, firstDifferences, kindCounts, resourceCount, resourceCounts,
} from '../../bench/compare';
import { clusterFleetParams, fleetParams } from '../../bench/fleet-params';
import { libraryClustersK8s, libraryK8s, libraryVault } from '../../bench/library';

describe('bench baseline vs library, 3 target namespaces and 2 agents', () => {
  const params = fleetParams(3, 2);
  const libK8s = libraryK8s(params);
  const baseK8s = baselineK8s(params);
  const libTf = libraryVault(params);
  const baseTf = baselineVault(params);

  test('Kubernetes: same number of objects of each kind', () => {
    expect(baseK8s).toHaveLength(libK8s.length);
    expect(kindCounts(baseK8s)).toEqual(kindCounts(libK8s));
    // 4 phases × 3 namespaces of Roles and RoleBindings (+ the launcher's), one
    // contract per agent + the admission params, the admission policy and binding.
    expect(kindCounts(libK8s)).toMatchObject({
      Role: 4 * 3 + 1, RoleBinding: 4 * 3 + 1, ConfigMap: 2 + 1, ValidatingAdmissionPolicy: 1, ValidatingAdmissionPolicyBinding: 1,
    });
  });

  test('Kubernetes: same content, object for object', () => {
    expect(firstDifferences(canonicalK8s(libK8s), canonicalK8s(baseK8s))).toEqual([]);
    expect(canonicalK8s(baseK8s)).toEqual(canonicalK8s(libK8s));
  });

  test('Vault: same resources of each type, same content and logical ids', () => {
    expect(resourceCounts(baseTf)).toEqual(resourceCounts(libTf));
    expect(resourceCount(libTf)).toBeGreaterThan(30);
    expect(canonicalTerraform(baseTf)).toEqual(canonicalTerraform(libTf));
  });

  test('Vault: the Kubernetes secrets engine roles name the level ServiceAccounts in the first target namespace on both sides', () => {
    for (const tf of [libTf, baseTf]) {
      const roles = Object.values<any>(tf.resource.vault_kubernetes_secret_backend_role);
      expect(roles).toHaveLength(3);
      for (const role of roles) {
        expect(role.allowed_kubernetes_namespaces).toEqual([params.targetNamespaces[0]]);
        expect(role.service_account_name).toBe(`agents-application-${role.name}`);
      }
    }
  });

  test('the admission params list every agent\'s ceiling on both sides', () => {
    for (const objects of [libK8s, baseK8s]) {
      const params = objects.find((o: any) => o.kind === 'ConfigMap' && o.metadata.name === 'agent-trust-ceilings');
      expect(params.data).toMatchObject({ 'ceiling.agent-001': 'read-only', 'ceiling.agent-002': 'read-only', 'rank.autonomous': '3' });
    }
  });

  test('the comparison notices a one-character change', () => {
    const edited = JSON.parse(JSON.stringify(baseK8s));
    edited.find((o: any) => o.kind === 'NetworkPolicy' && o.metadata.name === 'agent-phase-shadow').spec.egress[0].ports[0].port = 54;
    const diff = firstDifferences(canonicalK8s(baseK8s), canonicalK8s(edited));
    expect(diff).toHaveLength(2);
    expect(diff[0]).toMatch(/^library only: .*"port":53/);
    expect(diff[1]).toMatch(/^baseline only: .*"port":54/);
  });
});

describe('bench baseline vs library, 2 clusters × 3 target namespaces and 2 agents', () => {
  const params = clusterFleetParams(2, 3, 2);
  const libK8s = libraryClustersK8s(params);
  const baseK8s = baselineClustersK8s(params);
  const libTf = libraryVault(params);
  const baseTf = baselineVault(params);

  test('Kubernetes: one output per cluster, the same objects on both sides', () => {
    expect(libK8s).toHaveLength(2);
    expect(baseK8s).toHaveLength(2);
    libK8s.forEach((lib, i) => {
      expect(kindCounts(baseK8s[i])).toEqual(kindCounts(lib));
      expect(firstDifferences(canonicalK8s(lib), canonicalK8s(baseK8s[i]))).toEqual([]);
    });
  });

  test('Kubernetes: each cluster\'s agents log in to that cluster\'s own mounts, and the clusters differ in nothing else', () => {
    libK8s.forEach((objects, i) => {
      const name = params.clusters![i].name;
      const contract = JSON.parse(objects.find((o: any) => o.metadata.name === 'agent-001-launcher-contract').data['contract.json']);
      expect(new Set(contract.phases.map((ph: any) => ph.vaultAuthMount))).toEqual(new Set([`kubernetes-agents-${name}`]));
      expect(new Set(contract.phases.map((ph: any) => ph.vaultJwtAuthMount))).toEqual(new Set([`jwt-agents-${name}`]));
    });
    const unsuffixed = (objects: any[], name: string): string[] => canonicalK8s(objects).map(l => l.split(`-${name}`).join(''));
    expect(unsuffixed(libK8s[1], 'c-02')).toEqual(unsuffixed(libK8s[0], 'c-01'));
  });

  test('Vault: one stack with a Kubernetes and a JWT mount per cluster, same resources and content on both sides', () => {
    expect(resourceCounts(baseTf)).toEqual(resourceCounts(libTf));
    expect(canonicalTerraform(baseTf)).toEqual(canonicalTerraform(libTf));
    const mounts = (tf: any, type: string): string[] => Object.values<any>(tf.resource[type]).map(r => r.path).sort();
    expect(mounts(libTf, 'vault_auth_backend')).toEqual(['kubernetes-agents-c-01', 'kubernetes-agents-c-02']);
    expect(mounts(libTf, 'vault_jwt_auth_backend')).toEqual(['jwt-agents-c-01', 'jwt-agents-c-02']);
    expect(Object.values<any>(libTf.resource.vault_jwt_auth_backend).map(r => r.bound_issuer).sort())
      .toEqual(params.clusters!.map(c => c.issuerUrl));
    // 4 phase roles per cluster and auth method; engines and policies once.
    expect(resourceCounts(libTf)).toMatchObject({ vault_kubernetes_auth_backend_role: 8, vault_jwt_auth_backend_role: 8, vault_policy: 4 });
  });

  test('the comparison notices a cluster whose mount trusts another cluster\'s CA', () => {
    const edited = JSON.parse(JSON.stringify(baseTf));
    const configs = Object.values<any>(edited.resource.vault_kubernetes_auth_backend_config);
    configs[1].kubernetes_ca_cert = configs[0].kubernetes_ca_cert;
    expect(firstDifferences(canonicalTerraform(libTf), canonicalTerraform(edited))).toHaveLength(2);
  });
});

test('the baseline is hand-written: it imports only packages and its own bench/ files, never lib/ or examples/', () => {
  for (const file of ['baseline-k8s.ts', 'baseline-vault.ts']) {
    const source = fs.readFileSync(path.join(__dirname, '..', '..', 'bench', file), 'utf8');
    const imports = [...source.matchAll(/from '([^']+)'/g)].map(m => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter(i => i.startsWith('.') && !i.startsWith('./'))).toEqual([]);
  }
});
