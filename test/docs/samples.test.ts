import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

// The extractor is plain JavaScript: test/package/consumer.sh runs it too.
const { extract } = require('./extract-samples') as {
  extract(markdown: string): Array<{ line: number; fragment: boolean; file: string; code: string }>;
};

const root = path.join(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const docs = ['README.md', ...fs.readdirSync(path.join(root, 'docs')).filter(f => f.endsWith('.md')).map(f => `docs/${f}`)];
const samples = docs.flatMap(doc => extract(fs.readFileSync(path.join(root, doc), 'utf8')).map(s => ({ doc, ...s })));

describe('extract-samples', () => {
  test('names a block by its first-line file comment, numbers the others, honours the fragment marker', () => {
    const md = [
      '# t', '', '```ts', '// k8s.ts — the app', 'const a = 1;', '```', '',
      '<!-- sample: fragment -->', '```ts', 'partial(', '```', '',
      '```sh', 'npm test', '```', '', '```typescript', 'export {};', '```', '',
    ].join('\n');
    expect(extract(md)).toEqual([
      { line: 3, fragment: false, file: 'k8s.ts', code: '// k8s.ts — the app\nconst a = 1;\n' },
      { line: 9, fragment: true, file: 'sample-9.ts', code: 'partial(\n' },
      { line: 17, fragment: false, file: 'sample-17.ts', code: 'export {};\n' },
    ]);
  });

  test('the fragment marker applies only to the block right after it', () => {
    const md = '<!-- sample: fragment -->\n\ntext\n\n```ts\nx\n```\n';
    expect(extract(md)[0].fragment).toBe(false);
  });

  test('an unterminated fence is an error, not a silently dropped sample', () => {
    expect(() => extract('```ts\nconst a = 1;\n')).toThrow('unterminated code fence opened on line 1');
  });
});

describe('README and docs samples', () => {
  test('the README has the three-file sample, the multi-cluster sample and few intentional fragments', () => {
    expect(samples.filter(s => s.doc === 'README.md' && !s.fragment).map(s => s.file)).toEqual(['fleet.ts', 'k8s.ts', 'vault.ts', 'clusters.ts']);
    expect(samples.filter(s => s.fragment).length).toBeLessThanOrEqual(2);
  });

  test('import the package only through its exports map', () => {
    const entries = Object.keys(pkg.exports).map(k => k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`);
    const specifiers = samples.flatMap(s => [...s.code.matchAll(/from '(cdk-agent-trust[^']*)'/g)].map(m => `${s.doc}:${s.line}: ${m[1]}`));
    expect(specifiers.length).toBeGreaterThan(0);
    for (const spec of specifiers) {
      expect(entries).toContain(spec.split(': ')[1]);
    }
  });

  test('every non-fragment sample type-checks against the library (cdk-agent-trust mapped to lib/)', () => {
    // Under build/, so the samples resolve cdk8s and cdktf from this repository's node_modules.
    const dir = path.join(root, 'build', 'doc-samples');
    fs.rmSync(dir, { recursive: true, force: true });
    const files: string[] = [];
    for (const s of samples.filter(x => !x.fragment)) {
      const file = path.join(dir, path.basename(s.doc, '.md'), s.file);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, s.code);
      files.push(file);
    }
    const paths: Record<string, string[]> = { [pkg.name]: ['lib/index.ts'] };
    for (const key of Object.keys(pkg.exports).filter(k => /^\.\/[a-z]+$/.test(k))) {
      paths[`${pkg.name}/${key.slice(2)}`] = [`lib/${key.slice(2)}/index.ts`];
    }
    const program = ts.createProgram(files, {
      target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
      strict: true, esModuleInterop: true, noEmit: true, skipLibCheck: true, types: ['node'], baseUrl: root, paths,
    });
    const errors = ts.getPreEmitDiagnostics(program).map(d => ts.flattenDiagnosticMessageText(d.messageText, '\n')
      .replace(/^/, d.file ? `${path.relative(dir, d.file.fileName)}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''));
    expect(errors).toEqual([]);
  });
});
