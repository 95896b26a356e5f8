// Re-exports of lib/k8s (one construct or module per file).
export {};
export * from './agent-alerts';
