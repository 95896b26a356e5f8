import { TerraformResource } from '../terraform-output';
import { sharedRoleNames, VerifiedPhase, VerifyContext } from './verify-context';

/** The Terraform types of Vault auth roles a phase logs in with. */
export const K8S_ROLE = 'vault_kubernetes_auth_backend_role';
export const JWT_ROLE = 'vault_jwt_auth_backend_role';

/** One auth role of the Terraform output, its name and mount resolved once. */
export interface IndexedRole {
  readonly resource: TerraformResource;
  /** `role_name`, resolved. */
  readonly name: string;
  /** `backend` (the auth mount path), resolved. */
  readonly mount: string;
}

/** The roles a contract phase logs in with, found by (auth mount, role name). */
export interface PhaseRoles {
  /**
   * Its Kubernetes auth roles: the one(s) on the contract's mount, else a
   * misplaced namesake (`misplaced`); then namesakes on mounts no verified
   * phase logs in through (nobody else's, so held to this phase). Empty
   * when the phase has none.
   */
  readonly kubernetes: IndexedRole[];
  /** Whether `kubernetes[0]` sits on another mount than the contract's. */
  readonly misplaced: boolean;
  /** Its JWT roles: on the contract's JWT mount, plus namesakes on mounts no verified phase logs in through. */
  readonly jwt: IndexedRole[];
  /** Whether the contract's JWT mount holds the role (true without per-investigation identity). */
  readonly jwtOnMount: boolean;
}

/**
 * Vault auth roles by (auth mount, role name), the way Vault identifies
 * them (`auth/<mount>/role/<name>`). Several fleets (or clusters) on one
 * Vault may hold roles of the same name on different mounts: each phase
 * is matched to the role on the mount its contract logs in through, never
 * to another fleet's or cluster's namesake.
 */
export class VaultRoleIndex {
  /** Every Kubernetes and JWT auth role of the output, and the (mount, role) pairs the verified phases claim. */
  public static of(ctx: VerifyContext): VaultRoleIndex {
    return new VaultRoleIndex(ctx);
  }

  /** `mount|name` of a role. */
  private static key(mount: unknown, name: unknown): string {
    return `${String(mount)}|${String(name)}`;
  }

  private readonly byType = new Map<string, { readonly all: IndexedRole[]; readonly byKey: Map<string, IndexedRole[]>; readonly byName: Map<string, IndexedRole[]> }>();
  /**
   * The (mount, role) pairs the verified phases log in with: of every
   * cluster's contracts when several clusters are verified, else of this
   * output's. A namesake on any other mount is nobody's, so it is held to
   * the phase it is named after ...
   */
  private readonly claimed = new Set<string>();
  /** ... unless two fleets name that role (vault-name-shared): then whose it is cannot be told. */
  private readonly shared: ReadonlySet<string>;

  private constructor(ctx: VerifyContext) {
    const tf = ctx.terraform;
    for (const type of [K8S_ROLE, JWT_ROLE]) {
      const entry = { all: [] as IndexedRole[], byKey: new Map<string, IndexedRole[]>(), byName: new Map<string, IndexedRole[]>() };
      for (const resource of tf.resourcesOfType(type)) {
        const role = { resource, name: String(tf.resolve(resource.attributes.role_name, resource.stack)), mount: String(tf.resolve(resource.attributes.backend, resource.stack)) };
        entry.all.push(role);
        push(entry.byKey, VaultRoleIndex.key(role.mount, role.name), role);
        push(entry.byName, role.name, role);
      }
      this.byType.set(type, entry);
    }
    const contracts = ctx.clusters ? ctx.clusters.flatMap(k => k.contracts) : ctx.contracts;
    // Each contract's own phases: verifiedPhases merges a namespace's phase across clusters, keeping one cluster's mounts.
    for (const c of contracts) {
      for (const p of c.phases) {
        this.claimed.add(VaultRoleIndex.key(p.vaultAuthMount, p.vaultRole));
        if (p.vaultJwtAuthMount !== undefined) {
          this.claimed.add(VaultRoleIndex.key(p.vaultJwtAuthMount, p.vaultRole));
        }
      }
    }
    this.shared = sharedRoleNames(contracts);
  }

  /** Every role of `type`, in output order. */
  public all(type: string): readonly IndexedRole[] {
    return this.byType.get(type)?.all ?? [];
  }

  /** The roles of `type` named `name` on `mount`, in output order (more than one only in hand-edited output). */
  public on(type: string, mount: string, name: string): readonly IndexedRole[] {
    return this.byType.get(type)?.byKey.get(VaultRoleIndex.key(mount, name)) ?? [];
  }

  /** The roles of `type` named `name` on any mount, in output order. */
  public named(type: string, name: string): readonly IndexedRole[] {
    return this.byType.get(type)?.byName.get(name) ?? [];
  }

  /**
   * The roles of one contract phase. A Kubernetes role missing from its
   * mount is looked for among namesakes that share their mount with a
   * namesake (one of several clusters' roles moved onto another cluster's
   * mount), then among strays (on a mount no verified phase uses): that
   * one is `misplaced`.
   */
  public rolesOf(row: VerifiedPhase): PhaseRoles {
    const stray = (r: IndexedRole): boolean => !this.claimed.has(VaultRoleIndex.key(r.mount, r.name)) && !this.shared.has(r.name);
    const doubled = (r: IndexedRole): boolean => this.on(K8S_ROLE, r.mount, r.name).length > 1;
    const named = this.named(K8S_ROLE, row.vaultRole);
    const own = this.on(K8S_ROLE, row.vaultAuthMount, row.vaultRole);
    const misplaced = own.length === 0 ? named.find(r => !stray(r) && doubled(r)) ?? named.find(r => stray(r)) : undefined;
    const first = own.length > 0 ? own : misplaced ? [misplaced] : [];
    const jwtOwn = row.vaultJwtAuthMount !== undefined ? this.on(JWT_ROLE, row.vaultJwtAuthMount, row.vaultRole) : [];
    return {
      kubernetes: [...first, ...named.filter(r => stray(r) && r !== misplaced)],
      misplaced: misplaced !== undefined,
      jwt: [...jwtOwn, ...this.named(JWT_ROLE, row.vaultRole).filter(stray)],
      jwtOnMount: row.vaultJwtAuthMount === undefined || jwtOwn.length > 0,
    };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) {
    list.push(value);
  } else {
    map.set(key, [value]);
  }
}
