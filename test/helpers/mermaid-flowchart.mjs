// Parse a Mermaid flowchart with mermaid's own flowchart grammar (the Jison
// parser mermaid renders with), without a browser: reads the diagram on
// stdin (a JSON list of diagram texts), prints for each its vertices, edges
// and classes, or the parse error, as a JSON list.
// Mermaid's public mermaid.parse() needs a DOM (DOMPurify) to sanitize
// labels; the grammar does not, so the parser gets a FlowDB whose sanitizer
// is the identity.
import { readdirSync, readFileSync } from 'fs';
import { createRequire } from 'module';
import { dirname, join } from 'path';
import { pathToFileURL } from 'url';

const require = createRequire(import.meta.url);
const dir = join(dirname(require.resolve('mermaid/package.json')), 'dist', 'chunks', 'mermaid.core');
const chunk = readdirSync(dir).find(f => /^flowDiagram-[A-Z0-9]+\.mjs$/.test(f));
if (!chunk) {
  throw new Error(`no flowDiagram chunk in ${dir}: has mermaid's layout changed?`);
}
const { diagram } = await import(pathToFileURL(join(dir, chunk)).href);
function parse(text) {
  const db = diagram.db; // a fresh FlowDB per diagram
  db.sanitizeText = t => t;
  diagram.parser.parser.yy = db;
  try {
    diagram.parser.parse(text);
  } catch (e) {
    return { error: String(e.message ?? e) };
  }
  const vertices = [...db.getVertices().values()].map(v => ({ id: v.id, text: v.text, classes: v.classes }));
  const edges = db.getEdges().map(e => ({ start: e.start, end: e.end, text: e.text, stroke: e.stroke, style: e.style ?? [] }));
  const classes = Object.fromEntries([...db.getClasses().entries()].map(([k, v]) => [k, v.styles]));
  return { direction: db.getDirection(), vertices, edges, classes };
}
console.log(JSON.stringify(JSON.parse(readFileSync(0, 'utf8')).map(parse)));
