export * from './effective-permissions';
export * from './pod-security-restricted';
export * from './phase-delta-report';
