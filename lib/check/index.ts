export * from './effective-permissions';
export * from './pod-security-restricted';
