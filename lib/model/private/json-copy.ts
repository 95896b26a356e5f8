/**
 * Fresh copies of one constant piece of plain JSON data, many times: the
 * launcher's renderer hands out a new Job per investigation, built from the
 * same per-phase base; the contract builder a copy of each phase row per
 * agent (`walker`, no generated code). A copier compiled for the value
 * builds each object with an object literal of that exact shape (V8
 * allocates such literals inline, ~10× faster than a generic walk that
 * reads every key and type); where code cannot be generated
 * (`--disallow-code-generation-from-strings`) a walk with the shape
 * resolved once is used instead.
 */
export class JsonCopy {
  /**
   * A function returning a fresh deep copy of `value` on every call.
   * `value` must be plain JSON data (what `JSON.parse` returns) and must
   * not change afterwards: the copier reads it once.
   */
  public static compiler(value: unknown): () => any {
    const functions: string[] = [];
    // Every object and array is its own small function (one literal each): the
    // fastest form measured, and no literal grows past V8's inline-allocation limits.
    const literal = (v: unknown): string => {
      if (v === null || typeof v !== 'object') {
        // Constants of the template: JSON text is a valid JavaScript literal (ES2019).
        return JSON.stringify(v);
      }
      const body = Array.isArray(v)
        ? `[${v.map(literal).join(',')}]`
        // `"__proto__": x` in a literal would set the prototype; a computed key defines the property.
        : `{${Object.keys(v).map(k => `${k === '__proto__' ? `[${JSON.stringify(k)}]` : JSON.stringify(k)}:${literal((v as any)[k])}`).join(',')}}`;
      functions.push(`function f${functions.length}(){return ${body}}`);
      return `f${functions.length - 1}()`;
    };
    const root = literal(value);
    try {
      return new Function(`${functions.join('\n')}\nreturn function copy(){return ${root}};`)() as () => any;
    } catch {
      return JsonCopy.walker(value);
    }
  }

  /** A copier without generated code: the keys and kinds of `value` resolved once. */
  public static walker(value: unknown): () => any {
    if (Array.isArray(value)) {
      const items = value.map(v => JsonCopy.walker(v));
      return () => items.map(item => item());
    }
    if (value !== null && typeof value === 'object') {
      const keys = Object.keys(value);
      const values = keys.map(k => JsonCopy.walker((value as any)[k]));
      return () => {
        const out: any = {};
        for (let i = 0; i < keys.length; i++) {
          if (keys[i] === '__proto__') {
            // A JSON key, not the prototype: assignment would change the prototype.
            Object.defineProperty(out, keys[i], { value: values[i](), enumerable: true, writable: true, configurable: true });
          } else {
            out[keys[i]] = values[i]();
          }
        }
        return out;
      };
    }
    return () => value;
  }

  private constructor() {}
}
