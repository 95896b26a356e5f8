#!/usr/bin/env node
// Writes every ```ts block of the given Markdown files to <out-dir>/<doc>/, so
// a project that has cdk-agent-trust installed can type-check (and run) them
// exactly as a user pastes them. A block whose first line names a file
// (`// k8s.ts — …`) is written under that name, so the samples of one page can
// import each other; the others are `sample-<line>.ts`. A block preceded by
// `<!-- sample: fragment -->` is intentionally partial and skipped.
// Usage: node extract-samples.js <out-dir> <file.md>...
'use strict';
const fs = require('fs');
const path = require('path');

const FRAGMENT = /^<!--\s*sample:\s*fragment\s*-->$/;

function extract(markdown) {
  const lines = markdown.split('\n');
  const samples = [];
  let previous = '';
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\w*)/.exec(lines[i]);
    if (!open) {
      if (lines[i].trim() !== '') previous = lines[i].trim();
      continue;
    }
    const start = i;
    const body = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) body.push(lines[i].slice(open[1].length));
    if (i >= lines.length) throw new Error(`unterminated code fence opened on line ${start + 1}`);
    if (['ts', 'typescript'].includes(open[2])) {
      const named = /^\/\/\s*([\w.-]+\.ts)\b/.exec(body[0] ?? '');
      samples.push({ line: start + 1, fragment: FRAGMENT.test(previous), file: named ? named[1] : `sample-${start + 1}.ts`, code: body.join('\n') + '\n' });
    }
    previous = '';
  }
  return samples;
}

if (require.main === module) {
  const [outDir, ...docs] = process.argv.slice(2);
  if (!outDir || docs.length === 0) {
    console.error('usage: extract-samples.js <out-dir> <file.md>...');
    process.exit(2);
  }
  let written = 0;
  for (const doc of docs) {
    const dir = path.join(outDir, path.basename(doc, '.md'));
    for (const s of extract(fs.readFileSync(doc, 'utf8'))) {
      if (s.fragment) {
        console.log(`${doc}:${s.line}: fragment, not compiled`);
        continue;
      }
      const file = path.join(dir, s.file);
      if (fs.existsSync(file)) throw new Error(`${doc}:${s.line}: a sample named ${s.file} was already extracted from this file`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, s.code);
      console.log(`${doc}:${s.line}: ${path.relative(outDir, file)}`);
      written++;
    }
  }
  console.log(`${written} samples extracted`);
}

module.exports = { extract };
