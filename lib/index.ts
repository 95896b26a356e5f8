export * from './model';
export * from './k8s';
export * from './vault';
export * from './launcher';
export * from './check';
