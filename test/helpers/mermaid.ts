import { execFileSync } from 'child_process';
import * as path from 'path';

/** A flowchart as mermaid's own grammar reads it. */
export interface ParsedFlowchart {
  readonly error?: string;
  readonly direction?: string;
  readonly vertices?: Array<{ id: string; text: string; classes: string[] }>;
  readonly edges?: Array<{ start: string; end: string; text: string; stroke: string; style: string[] }>;
  readonly classes?: { [name: string]: string[] };
}

/**
 * Parse Mermaid flowcharts with mermaid's flowchart grammar (mermaid is ESM
 * only, so in a child process; see mermaid-flowchart.mjs). One process for
 * the whole list.
 */
export function parseFlowcharts(texts: string[]): ParsedFlowchart[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, 'mermaid-flowchart.mjs')], {
    input: JSON.stringify(texts), encoding: 'utf8', timeout: 60_000,
  });
  return JSON.parse(out);
}

/** The body of the first ```mermaid block of a Markdown text. */
export function mermaidBlock(markdown: string): string {
  const m = /```mermaid\n([\s\S]*?)```/.exec(markdown);
  if (!m) {
    throw new Error('no ```mermaid block');
  }
  return m[1];
}
