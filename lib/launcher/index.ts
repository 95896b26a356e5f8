// Re-exports of lib/launcher. Nothing here may import cdk8s or cdktf: a launcher loads it cheaply.
export * from './job-renderer';
export * from './launcher-contract-loader';
export * from './launcher-contract-validator';
export * from './synth-output';
