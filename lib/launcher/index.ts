// Re-exports of lib/launcher (one construct or module per file).
export {};
