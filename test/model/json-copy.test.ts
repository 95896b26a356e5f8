import * as fc from 'fast-check';
import { JsonCopy } from '../../lib/model/private/json-copy';

// Hostile data for a code generator: keys and strings that are JavaScript syntax,
// the prototype key, integer-like keys (ordered first), line separators.
// (A literal `'__proto__': …` would set the prototype: the key is added as JSON.parse adds it.)
const tricky = {
  ...JSON.parse('{"__proto__": {"polluted": true}}'),
  'constructor': 'x',
  '0': 'zero', '10': 'ten',
  'a"b': '"}); throw new Error("injected"); ({"',
  'c\u2028d': 'e\u2029f',
  '${x}': '`${process.exit(1)}`',
  'nested': [[], {}, [null, true, false, 0, -1.5, 1e21], { 'toString': 'y', '': '' }],
};

describe.each([
  ['compiled', (v: unknown) => JsonCopy.compiler(v)],
  ['walker (no generated code)', (v: unknown) => JsonCopy.walker(v)],
])('JsonCopy %s', (_, make) => {
  test('copies equal the value, key order and own __proto__ key included, and share no objects', () => {
    const value = JSON.parse(JSON.stringify(tricky));
    const copy = make(value);
    const a = copy();
    const b = copy();
    expect(JSON.stringify(a)).toBe(JSON.stringify(value));
    expect(Object.getPrototypeOf(a)).toBe(Object.prototype);
    expect(Object.getOwnPropertyNames(a)).toContain('__proto__');
    expect(({} as any).polluted).toBeUndefined();
    expect(a).not.toBe(b);
    a.nested[2].push('more');
    a.nested[3].toString = 'changed';
    expect(b.nested[2]).toHaveLength(6);
    expect(b.nested[3].toString).toBe('y');
    expect(JSON.stringify(copy())).toBe(JSON.stringify(value));
  });

  test('scalars and empty containers', () => {
    for (const v of [null, 0, -0.5, 'x', true, [], {}]) {
      expect(make(v)()).toEqual(v);
    }
  });

  test('property: any JSON value copies to the same JSON text', () => {
    fc.assert(fc.property(fc.jsonValue(), v => {
      const value = JSON.parse(JSON.stringify(v) ?? 'null');
      expect(JSON.stringify(make(value)())).toBe(JSON.stringify(value));
    }), { numRuns: 300 });
  });
});

test('without code generation from strings, the compiler falls back to the walker', () => {
  const original = global.Function;
  (global as any).Function = function refuse(): never {
    throw new EvalError('Code generation from strings disallowed for this context');
  };
  try {
    const copy = JsonCopy.compiler({ a: [1, { b: 'c' }] });
    expect(copy.name).not.toBe('copy');
    expect(copy()).toEqual({ a: [1, { b: 'c' }] });
  } finally {
    (global as any).Function = original;
  }
  // The generated copier (named `copy`) where code generation is allowed.
  expect(JsonCopy.compiler({ a: 1 }).name).toBe('copy');
});
