// Re-exports of lib/vault (one construct or module per file).
export {};
