import { CoreScalars } from './core-scalars';

/**
 * A reader for one YAML document in the block style cdk8s writes (the
 * `yaml` package's `stringify` with `lineWidth: 0`): indented mappings and
 * sequences, compact `- key: value` entries, plain and one-line quoted
 * scalars, `|`/`|-` block scalars, `{}` and `[]`. verify reads megabytes
 * of exactly that; reading it line by line is several times faster than a
 * general parser.
 *
 * It is a fast path, never a judge: anything outside that subset — flow
 * collections, anchors, aliases, tags, comments, folded or multi-line
 * scalars, quoted or non-string keys, duplicate keys, blank lines, tabs,
 * `\r`, non-printable characters, directives, more than one document —
 * makes `parse` return undefined, and the caller reads the text with the
 * general parsers as before. What it does read, it reads as the `yaml`
 * package does (a property test compares them, also on mutated texts).
 */
export class BlockYaml {
  /**
   * The value of one document (a mapping or a sequence at its root), which
   * may start with a `---` line; undefined when the text leaves the subset.
   */
  public static parse(text: string): unknown {
    return NON_PRINTABLE.test(text) ? undefined : BlockYaml.parsePrintable(text);
  }

  /**
   * Whether UTF-8 `bytes` decode to text `parse` may read: none of the
   * characters YAML forbids in a stream, no tab, no `\r`, no byte-order
   * mark, nothing outside the Basic Multilingual Plane (surrogates). One
   * search per forbidden byte (`indexOf` runs at memory speed): several
   * times faster than a regular expression over the decoded text.
   */
  public static isPrintable(bytes: Uint8Array): boolean {
    const buffer = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (FORBIDDEN_BYTES.some(b => buffer.indexOf(b) >= 0)) {
      return false;
    }
    // U+0080–U+009F (C2 80–9F, C1 controls) but U+0085 (NEL).
    for (let i = buffer.indexOf(0xc2); i >= 0; i = buffer.indexOf(0xc2, i + 1)) {
      const next = buffer[i + 1];
      if (next >= 0x80 && next <= 0x9f && next !== 0x85) return false;
    }
    // U+FEFF (EF BB BF), U+FFFE (EF BF BE), U+FFFF (EF BF BF).
    for (let i = buffer.indexOf(0xef); i >= 0; i = buffer.indexOf(0xef, i + 1)) {
      const b1 = buffer[i + 1];
      const b2 = buffer[i + 2];
      if ((b1 === 0xbb && b2 === 0xbf) || (b1 === 0xbf && (b2 === 0xbe || b2 === 0xbf))) return false;
    }
    return true;
  }

  /** `parse` of a text `isPrintable` accepted (as bytes). */
  public static parsePrintable(text: string): unknown {
    const lines = text.split('\n');
    let end = lines.length;
    while (end > 0 && lines[end - 1] === '') end--;
    const start = lines[0] === '---' ? 1 : 0;
    if (end <= start) {
      return undefined; // an empty document: the general parsers say what it is
    }
    try {
      const reader = new Reader(lines, start, end);
      const value = reader.root();
      return value;
    } catch (e) {
      if (e === OUTSIDE) {
        return undefined;
      }
      throw e;
    }
  }

  private constructor() {}
}

/** Thrown (and caught in `parse`) where the text leaves the subset. */
const OUTSIDE = new Error('outside the block YAML subset');

/**
 * What YAML forbids in a stream (js-yaml's test), and every surrogate (most
 * are fine, but one character class is much faster than js-yaml's pairing
 * test): such a text goes to the general parsers, which decide.
 */
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uD800-\uDFFF\uFEFF\uFFFE\uFFFF\t\r]/;

/**
 * UTF-8 bytes no text `parse` reads contains: C0 controls but `\n` (tab and
 * `\r` included), DEL, 0xED (an encoded surrogate) and 0xF0–0xFF (a
 * character outside the Basic Multilingual Plane, or an invalid byte).
 */
const FORBIDDEN_BYTES: number[] = [
  ...Array.from({ length: 0x20 }, (_, b) => b).filter(b => b !== 0x0a), 0x7f, 0xed,
  ...Array.from({ length: 0x10 }, (_, i) => 0xf0 + i),
];

/**
 * Keys read here: plain, starting with a letter, digit, `_`, `.` or `/`
 * (Kubernetes field names, labels, annotations, data keys; Cilium's
 * `k8s:io.kubernetes.pod.namespace`), never ending with `:`.
 */
const KEY = /^[A-Za-z0-9_./][A-Za-z0-9_./:-]*(?<!:)$/;

/** JSON's escapes (`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`, `\uXXXX`): a double-quoted scalar with only these reads with JSON.parse. */
const JSON_ESCAPES = '"\\/bfnrtu';

/** A line-by-line reader; `row` is the next line to read. */
class Reader {
  private row: number;

  constructor(private readonly lines: string[], start: number, private readonly end: number) {
    this.row = start;
  }

  /** The document: a mapping or a sequence at column 0, and nothing after it. */
  public root(): unknown {
    if (indentOf(this.lines[this.row]) !== 0) {
      throw OUTSIDE;
    }
    const value = this.collection(0);
    if (this.row !== this.end) {
      throw OUTSIDE;
    }
    return value;
  }

  /** The mapping or sequence whose first entry starts at `col` of the current line. */
  private collection(col: number): unknown {
    const line = this.lines[this.row];
    if (isEntry(line, col)) {
      return this.sequence(col);
    }
    if (keyEnd(line, col) >= 0) {
      return this.mapping(col);
    }
    throw OUTSIDE; // a scalar on a line of its own (multi-line or misplaced)
  }

  /** The indentation of the current line, or -1 past the document's end; a blank line inside is outside the subset. */
  private nextIndent(): number {
    if (this.row >= this.end) {
      return -1;
    }
    const line = this.lines[this.row];
    if (line === '') {
      throw OUTSIDE;
    }
    return indentOf(line);
  }

  private sequence(col: number): unknown[] {
    const out: unknown[] = [];
    for (;;) {
      const line = this.lines[this.row];
      // `- ` and exactly one space: `-` alone (an item on the next lines) and wider gaps are left to the general parsers.
      if (!isEntry(line, col) || line.charCodeAt(col + 2) === SPACE) {
        throw OUTSIDE;
      }
      out.push(this.value(line, col + 2, col, true));
      const next = this.nextIndent();
      if (next < col || (next === col && !isEntry(this.lines[this.row], col))) {
        return out; // the sequence ends (a sequence under a key at the key's column ends at the next key)
      }
      if (next > col) {
        throw OUTSIDE;
      }
    }
  }

  private mapping(col: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (;;) {
      const line = this.lines[this.row];
      const colon = keyEnd(line, col);
      if (colon < 0) {
        throw OUTSIDE;
      }
      const key = line.slice(col, colon);
      if (!isKey(key) || Object.prototype.hasOwnProperty.call(out, key)) {
        throw OUTSIDE;
      }
      if (colon === line.length - 1) {
        // `key:` and the value on the next lines: deeper, or a sequence at the key's column; else empty (null).
        this.row++;
        const next = this.nextIndent();
        out[key] = next > col ? this.collection(next)
          : next === col && isEntry(this.lines[this.row], col) ? this.sequence(col)
            : null;
      } else {
        if (line.charCodeAt(colon + 2) === SPACE) {
          throw OUTSIDE;
        }
        out[key] = this.value(line, colon + 2, col, false);
      }
      const next = this.nextIndent();
      if (next < col) {
        return out;
      }
      if (next > col || isEntry(this.lines[this.row], col)) {
        throw OUTSIDE;
      }
    }
  }

  /**
   * The node that starts at `at` of the current line (after `key: ` or
   * `- `), in a collection at column `parent`; reads its lines.
   */
  private value(line: string, at: number, parent: number, inSequence: boolean): unknown {
    const c = line.charCodeAt(at);
    if (c === DQUOTE) {
      this.row++;
      return doubleQuoted(line, at);
    }
    if (c === SQUOTE) {
      this.row++;
      return singleQuoted(line, at);
    }
    if (c === PIPE) {
      this.row++;
      return this.literal(line.slice(at), parent);
    }
    if (c === LBRACE || c === LBRACKET) {
      const rest = line.slice(at);
      if (rest !== '{}' && rest !== '[]') {
        throw OUTSIDE; // flow collections
      }
      this.row++;
      return rest === '{}' ? {} : [];
    }
    if (inSequence && (isEntry(line, at) || keyEnd(line, at) >= 0)) {
      return this.collection(at); // `- - x` or `- key: value` (the mapping's further keys at column `at`)
    }
    const rest = line.slice(at);
    if (!isPlain(rest)) {
      throw OUTSIDE;
    }
    this.row++;
    return CoreScalars.resolve(rest);
  }

  /** A `|` (clip) or `|-` (strip) block scalar whose content follows, indented deeper than `parent`. */
  private literal(header: string, parent: number): string {
    if (header !== '|' && header !== '|-') {
      throw OUTSIDE; // keep (`|+`), indentation indicators, folded (`>`), comments
    }
    let first = this.row;
    while (first < this.end && this.lines[first] === '') first++;
    if (first >= this.end) {
      throw OUTSIDE;
    }
    const indent = indentOf(this.lines[first]);
    if (indent <= parent || indent === this.lines[first].length) {
      throw OUTSIDE; // an empty scalar, or a line of spaces
    }
    const parts: string[] = [];
    let row = this.row;
    let lastContent = row;
    for (; row < this.end; row++) {
      const line = this.lines[row];
      if (line === '') {
        parts.push('');
        continue;
      }
      const own = indentOf(line);
      if (own === line.length) {
        throw OUTSIDE; // spaces only: their meaning depends on the indentation rules
      }
      if (own < indent) {
        break;
      }
      parts.push(line.slice(indent));
      lastContent = row + 1;
    }
    // Trailing blank lines are no content for clip and strip; the structure resumes after them.
    parts.length = lastContent - this.row;
    this.row = row;
    return header === '|' ? `${parts.join('\n')}\n` : parts.join('\n');
  }
}

const SPACE = 0x20;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const PIPE = 0x7c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;

function indentOf(line: string): number {
  let i = 0;
  while (line.charCodeAt(i) === SPACE) i++;
  return i;
}

/** Whether a sequence entry (`- …`) starts at `col`. */
function isEntry(line: string, col: number): boolean {
  return line.charCodeAt(col) === 0x2d && line.charCodeAt(col + 1) === SPACE;
}

/** Keys already judged (manifests repeat a few hundred keys millions of times). */
const KEYS = new Map<string, boolean>();

/** Whether `key` is a key this reader reads: `KEY`, a string in the core schema, not `__proto__`. */
function isKey(key: string): boolean {
  let ok = KEYS.get(key);
  if (ok === undefined) {
    ok = KEY.test(key) && typeof CoreScalars.resolve(key) === 'string' && key !== '__proto__';
    if (KEYS.size < 10_000) KEYS.set(key, ok); // bounded: arbitrary keys (data keys, labels) must not grow it without end
  }
  return ok;
}

/** Where the `:` of a `key: value` or `key:` entry starting at `col` is, or -1. */
function keyEnd(line: string, col: number): number {
  const i = line.indexOf(': ', col);
  if (i >= 0) {
    return i;
  }
  return line.length > col + 1 && line.charCodeAt(line.length - 1) === 0x3a ? line.length - 1 : -1;
}

/**
 * Whether a one-line plain scalar in block context reads as itself: no
 * indicator at its start (`-`, `?`, `:` only before a non-space), no
 * ` #` comment, no `: `, no `:` or space at its end.
 */
function isPlain(s: string): boolean {
  if (s.length === 0) {
    return false;
  }
  const c = s[0];
  if ('#&*!|>\'"%@`,[]{}'.includes(c)) {
    return false;
  }
  if ((c === '-' || c === '?' || c === ':') && (s.length === 1 || s[1] === ' ')) {
    return false;
  }
  const last = s[s.length - 1];
  return last !== ' ' && last !== ':' && !s.includes(' #') && !s.includes(': ');
}

/** A double-quoted scalar that ends the line, with JSON's escapes only. */
function doubleQuoted(line: string, at: number): string {
  let j = at + 1;
  while (j < line.length) {
    const c = line.charCodeAt(j);
    if (c === 0x5c) {
      if (!JSON_ESCAPES.includes(line[j + 1])) {
        throw OUTSIDE; // YAML's own escapes (`\x41`, `\e`, `\N`, …)
      }
      j += 2;
    } else if (c === DQUOTE) {
      break;
    } else {
      j++;
    }
  }
  if (j !== line.length - 1) {
    throw OUTSIDE; // multi-line, or more after the closing quote
  }
  try {
    return JSON.parse(line.slice(at, j + 1));
  } catch {
    throw OUTSIDE;
  }
}

/** A single-quoted scalar that ends the line (`''` is a quote). */
function singleQuoted(line: string, at: number): string {
  let j = at + 1;
  while (j < line.length) {
    if (line.charCodeAt(j) === SQUOTE) {
      if (line.charCodeAt(j + 1) !== SQUOTE) {
        break;
      }
      j += 2;
    } else {
      j++;
    }
  }
  if (j !== line.length - 1) {
    throw OUTSIDE;
  }
  return line.slice(at + 1, j).split('\'\'').join('\'');
}
