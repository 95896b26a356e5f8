import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..');
// Only the pure layers the CLI needs: no cdk8s/cdktf code is compiled or loaded.
const FOLDERS = ['lib/model', 'lib/model/private', 'lib/launcher', 'lib/launcher/private', 'lib/check', 'lib/check/private', 'lib/check/rules', 'bin'];

/**
 * Transpile the CLI and the layers it uses into a fresh folder under
 * build/ (so `node` resolves `yaml` from the repository's node_modules),
 * without touching build/ outputs other engineers rely on. Type checking is
 * `tsc --noEmit`'s job; this only emits JavaScript.
 */
export function compileCli(): string {
  const out = fs.mkdtempSync(path.join(ROOT, 'build', '.agent-trust-test-'));
  for (const folder of FOLDERS) {
    const dir = path.join(ROOT, folder);
    if (!fs.existsSync(dir)) {
      continue;
    }
    for (const file of fs.readdirSync(dir).filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
      const source = fs.readFileSync(path.join(dir, file), 'utf8');
      const js = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
        fileName: file,
      }).outputText;
      fs.mkdirSync(path.join(out, folder), { recursive: true });
      fs.writeFileSync(path.join(out, folder, file.replace(/\.ts$/, '.js')), js);
    }
  }
  return out;
}

/** Remove a folder made by `compileCli`. */
export function removeCompiled(dir: string): void {
  if (dir && path.basename(dir).startsWith('.agent-trust-test-')) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
