export * from './effective-permissions';
export * from './pod-security-restricted';
export * from './phase-delta-report';
export * from './terraform-output';
export * from './verify-rule';
export * from './verifier';
export * from './verify-suppression';
