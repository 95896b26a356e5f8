import { checkClusters } from '../private/cluster-invariants';
import { VerifyRule } from '../verify-rule';
import { VerifyCheck } from './verify-check';

/** The cross-cluster check (several cluster directories, one stack): `CLUSTER_MISSING`, `CLUSTER_MOUNT_SHARED`. */
export const CLUSTERS_CHECK: VerifyCheck = {
  name: 'clusters',
  rules: [VerifyRule.CLUSTER_MISSING, VerifyRule.CLUSTER_MOUNT_SHARED],
  needsContracts: true,
  check: checkClusters,
};
