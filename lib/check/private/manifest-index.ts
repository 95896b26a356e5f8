/**
 * The Kubernetes objects of one verification, indexed once: by kind, by
 * kind and name, by kind, namespace and name, and the RoleBindings by the
 * ServiceAccounts they bind. Checks that used to scan every object per
 * contract, phase and target namespace look up here instead, so verify time
 * grows with the output, not with its square. Lookups keep the scans'
 * semantics: strict equality on the raw field values (a hand-edited
 * `name: 5` never matches "5") and, where several objects match, the first
 * in output order.
 */
export class ManifestIndex {
  /** The index of `manifests`, built on first use and kept as long as the array lives. */
  public static of(manifests: readonly any[]): ManifestIndex {
    let index = ManifestIndex.cache.get(manifests);
    if (!index) {
      index = new ManifestIndex(manifests);
      ManifestIndex.cache.set(manifests, index);
    }
    return index;
  }

  private static readonly cache = new WeakMap<readonly any[], ManifestIndex>();
  private static readonly NONE: readonly any[] = Object.freeze([]);
  private static readonly EMPTY: ReadonlyMap<unknown, readonly any[]> = new Map();

  private readonly kinds = new Map<unknown, any[]>();
  private readonly named = new Map<unknown, Map<unknown, any>>();
  private readonly namespaced = new Map<unknown, Map<unknown, Map<unknown, any>>>();
  private readonly inNamespace = new Map<unknown, Map<unknown, any[]>>();
  private bySubject?: Map<unknown, Map<unknown, Map<unknown, any[]>>>;

  private constructor(manifests: readonly any[]) {
    for (const m of manifests) {
      const kind = m?.kind;
      const name = m?.metadata?.name;
      const namespace = m?.metadata?.namespace;
      let list = this.kinds.get(kind);
      if (!list) this.kinds.set(kind, list = []);
      list.push(m);
      let names = this.named.get(kind);
      if (!names) this.named.set(kind, names = new Map());
      if (!names.has(name)) names.set(name, m);
      let spaces = this.namespaced.get(kind);
      if (!spaces) this.namespaced.set(kind, spaces = new Map());
      let inSpace = spaces.get(namespace);
      if (!inSpace) spaces.set(namespace, inSpace = new Map());
      if (!inSpace.has(name)) inSpace.set(name, m);
      let lists = this.inNamespace.get(kind);
      if (!lists) this.inNamespace.set(kind, lists = new Map());
      let all = lists.get(namespace);
      if (!all) lists.set(namespace, all = []);
      all.push(m);
    }
  }

  /** Every object of `kind`, in output order (do not modify). */
  public ofKind(kind: string): readonly any[] {
    return this.kinds.get(kind) ?? ManifestIndex.NONE;
  }

  /** Every object of `kind` in `namespace` (undefined: without a namespace field), in output order (do not modify). */
  public allIn(kind: string, namespace: unknown): readonly any[] {
    return this.inNamespace.get(kind)?.get(namespace) ?? ManifestIndex.NONE;
  }

  /** The first object of `kind` named `name`, in any namespace. */
  public findNamed(kind: string, name: unknown): any | undefined {
    return this.named.get(kind)?.get(name);
  }

  /** The first object of `kind` named `name` in `namespace` (undefined: cluster-scoped, no namespace field). */
  public find(kind: string, namespace: unknown, name: unknown): any | undefined {
    return this.namespaced.get(kind)?.get(namespace)?.get(name);
  }

  /**
   * RoleBindings with a `ServiceAccount` subject named `account` of
   * `accountNamespace` (a subject without namespace is the binding's), by
   * the binding's namespace, in output order, each binding once.
   */
  public roleBindingsByNamespace(account: unknown, accountNamespace: unknown): ReadonlyMap<unknown, readonly any[]> {
    if (!this.bySubject) {
      this.bySubject = new Map();
      for (const b of this.ofKind('RoleBinding')) {
        if (!Array.isArray(b.subjects)) continue;
        const ns = b.metadata?.namespace;
        for (const s of b.subjects) {
          if (s?.kind !== 'ServiceAccount') continue;
          const accountNs = s.namespace ?? ns;
          let byName = this.bySubject.get(accountNs);
          if (!byName) this.bySubject.set(accountNs, byName = new Map());
          let byNamespace = byName.get(s.name);
          if (!byNamespace) byName.set(s.name, byNamespace = new Map());
          let list = byNamespace.get(ns);
          if (!list) byNamespace.set(ns, list = []);
          // A binding that names the same account twice is one binding.
          if (list[list.length - 1] !== b) list.push(b);
        }
      }
    }
    return this.bySubject.get(accountNamespace)?.get(account) ?? ManifestIndex.EMPTY;
  }
}
