/**
 * The implicit scalars of the `yaml` package's YAML 1.2 core schema
 * (dist/schema/core and common/null), scalar for scalar: `0o17`, `0x1F`,
 * `1e3`, `.inf`; no `0b`, no signed hex, no timestamps. One table, read by
 * both fast readers (js-yaml's schema in `YamlDocuments`, and `BlockYaml`),
 * so they resolve a plain scalar the same way.
 */
export interface CoreScalar {
  /** The YAML tag. */
  readonly tag: string;
  /** The characters such a scalar can start with (besides the empty scalar): most plain strings are told apart without a regular expression. */
  readonly first: string;
  /** The whole scalar's form. */
  readonly test: RegExp;
  /** Its value. */
  readonly construct: (s: string) => unknown;
}

export class CoreScalars {
  public static readonly ALL: readonly CoreScalar[] = [
    { tag: 'tag:yaml.org,2002:null', first: '~nN', test: /^(?:~|[Nn]ull|NULL)?$/, construct: () => null },
    { tag: 'tag:yaml.org,2002:bool', first: 'tTfF', test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/, construct: s => s[0] === 't' || s[0] === 'T' },
    {
      tag: 'tag:yaml.org,2002:int',
      first: '-+0123456789',
      test: /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/,
      construct: s => s.startsWith('0o') ? parseInt(s.slice(2), 8) : s.startsWith('0x') ? parseInt(s.slice(2), 16) : parseInt(s, 10),
    },
    {
      tag: 'tag:yaml.org,2002:float',
      first: '-+.0123456789',
      test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*))$/,
      construct: s => s.endsWith('nan') || s.endsWith('NaN') || s.endsWith('NAN') ? NaN
        : /inf$/i.test(s) ? (s[0] === '-' ? -Infinity : Infinity) : parseFloat(s),
    },
  ];

  private static readonly FIRST = new Set(CoreScalars.ALL.flatMap(x => [...x.first]));

  /** Whether `s` (a plain scalar's text) is one of the schema's implicit scalars. */
  public static matches(scalar: CoreScalar, s: string): boolean {
    return (s.length === 0 || scalar.first.includes(s[0])) && scalar.test.test(s);
  }

  /** The value of a plain scalar: null, a boolean, a number, or the string itself. */
  public static resolve(s: string): unknown {
    if (s.length > 0 && !CoreScalars.FIRST.has(s[0])) {
      return s; // most strings (names, labels) start with a letter no implicit scalar starts with
    }
    for (const scalar of CoreScalars.ALL) {
      if (CoreScalars.matches(scalar, s)) {
        return scalar.construct(s);
      }
    }
    return s;
  }

  private constructor() {}
}
