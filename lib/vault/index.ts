// Re-exports of lib/vault (one construct or module per file). All cdktf code
// of the library lives here, so the Vault side can be swapped if cdktf goes away.
export * from './agent-vault-auth';
export * from './agent-vault-trust';
export * from './audit-device';
export * from './engine-config';
export * from './launcher-vault-policy';
export * from './trust-phase-policy';
export * from './vault-audit-devices';
export * from './vault-domain-secret-engine';
export * from './vault-token-type';
