// Re-exports of lib/k8s (one construct or module per file).
export * from './agent-namespace';
export * from './phase-service-account';
export * from './ladder-service-accounts';
export * from './agent-job-template';
export * from './phase-network-policy';
export * from './phase-cilium-network-policy';
export * from './egress-proxy-allowlist';
export * from './launcher-access';
export * from './trust-phase-admission';
export * from './agent-kubernetes-trust';
export * from './agent-cluster-apps';
export * from './agent-alerts';
export * from './vault-kubernetes-engine-access';
export * from './launcher-contract-files';
export * from './agent-dashboard';
