import * as path from 'path';
import * as ts from 'typescript';

/**
 * Type-check a dashboard JSON model against Grafana's published schema
 * types (@grafana/schema): the JSON is written into a TypeScript file as a
 * literal assigned to `Dashboard` (and each panel's `options` to its
 * plugin's `Options`), and compiled; the diagnostics are returned. String
 * enums of the schema are compared as their values, which is what JSON
 * holds.
 */
export function dashboardTypeErrors(dashboard: any): string[] {
  const file = path.join(__dirname, '..', 'observability', '__dashboard_schema_check__.ts');
  const SCHEMA = '@grafana/schema/dist/types';
  const PANELS: { [type: string]: string } = {
    timeseries: 'timeseries', stat: 'stat', bargauge: 'bargauge', text: 'text',
  };
  const lines = [
    `import type { Dashboard } from '${SCHEMA}/raw/dashboard/x/types.gen';`,
    ...Object.entries(PANELS).map(([t, dir]) => `import type { Options as ${t}Options } from '${SCHEMA}/raw/composable/${dir}/panelcfg/x/types.gen';`),
    'import type { FieldConfig as timeseriesFieldConfig } from \'' + SCHEMA + '/raw/composable/timeseries/panelcfg/x/types.gen\';',
    // A string enum's values, as JSON carries them.
    'type Wire<T> = T extends string ? `${T}` : T extends Array<infer U> ? Array<Wire<U>> : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;',
    `export const dashboard: Wire<Dashboard> = ${JSON.stringify(dashboard, null, 2)};`,
  ];
  (dashboard.panels ?? []).forEach((p: any, i: number) => {
    if (p.type === 'row') {
      return;
    }
    if (!PANELS[p.type]) {
      lines.push(`const unknownPanelType${i}: 'a panel type with a schema' = ${JSON.stringify(p.type)};`);
      return;
    }
    lines.push(`export const options${i}: Wire<${p.type}Options> = ${JSON.stringify(p.options)};`);
    if (p.type === 'timeseries') {
      lines.push(`export const custom${i}: Wire<timeseriesFieldConfig> = ${JSON.stringify(p.fieldConfig?.defaults?.custom ?? {})};`);
    }
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = {
    strict: true, noEmit: true, skipLibCheck: true, moduleResolution: ts.ModuleResolutionKind.Node10,
    module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, types: [], noUnusedLocals: false,
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) =>
    (path.resolve(name) === file ? ts.createSourceFile(name, source, lang) : getSourceFile(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = name => path.resolve(name) === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map(d => {
    const where = d.file && d.start !== undefined ? `line ${d.file.getLineAndCharacterOfPosition(d.start).line + 1}: ` : '';
    return `${where}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}
