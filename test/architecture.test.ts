import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// docs/design.md "Layers": dependencies point down only.
const ROOT = path.join(__dirname, '..');
const LAYERS: { [layer: string]: { local: string[]; packages: RegExp } } = {
  model: { local: ['model'], packages: /^$/ },
  launcher: { local: ['model', 'launcher'], packages: /^(fs|path|crypto|util|os|yaml|js-yaml)$/ },
  check: { local: ['model', 'launcher', 'check'], packages: /^(fs|path|crypto|util|os|yaml)$/ },
  k8s: { local: ['model', 'k8s'], packages: /^(fs|path|(cdk8s|cdk8s-plus-28|constructs)(\/.*)?)$/ },
  vault: { local: ['model', 'vault'], packages: /^(cdktf|constructs|@cdktf\/provider-vault\/lib\/[a-z0-9-]+)$/ },
};

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push(m[1] ?? m[2] ?? m[3]);
  }
  return found;
}

describe('layering', () => {
  for (const [layer, rule] of Object.entries(LAYERS)) {
    test(`lib/${layer} imports only ${rule.local.join(', ')} and its allowed packages`, () => {
      const dir = path.join(ROOT, 'lib', layer);
      const offences: string[] = [];
      for (const file of sources(dir)) {
        for (const spec of importsOf(file)) {
          const rel = path.relative(ROOT, file);
          if (spec.startsWith('.')) {
            const target = path.relative(path.join(ROOT, 'lib'), path.resolve(path.dirname(file), spec)).split(path.sep)[0];
            if (!rule.local.includes(target)) offences.push(`${rel} → ${spec}`);
          } else if (!rule.packages.test(spec.replace(/^node:/, ''))) {
            offences.push(`${rel} → ${spec}`);
          }
        }
      }
      expect(offences).toEqual([]);
    });
  }

  test('the provider is never barrel-imported (deep imports keep synth fast)', () => {
    const offences = sources(path.join(ROOT, 'lib')).flatMap(f => importsOf(f)
      .filter(s => s === '@cdktf/provider-vault' || s === '@cdktf/provider-vault/lib').map(s => `${f} → ${s}`));
    expect(offences).toEqual([]);
  });

  // `npm test` builds first, so build/ is current.
  test('loading the compiled model and launcher does not load cdk8s or cdktf', () => {
    const script = `require('./build/lib/model'); require('./build/lib/launcher');
      const bad = Object.keys(require.cache).filter(k => /node_modules\\/(cdk8s|cdk8s-plus-28|cdktf|@cdktf|constructs)\\//.test(k));
      process.stdout.write(JSON.stringify(bad));`;
    const loaded = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT }).toString());
    expect(loaded).toEqual([]);
  });
});
