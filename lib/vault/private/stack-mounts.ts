import { TerraformResource, TerraformStack, Token } from 'cdktf';
import { IConstruct } from 'constructs';
import { InputRules } from '../../model/private/input-rules';

/** One of our mounts. */
export interface OwnMount {
  /** The mount resource. */
  readonly resource: TerraformResource;
  /** Its path, slashes trimmed. */
  readonly path: string;
}

/** Another mount of the stack whose path is equal to or nested with one of ours. */
export interface MountCollision {
  /** Our mount it collides with. */
  readonly ours: OwnMount;
  /** Its path, slashes trimmed. */
  readonly path: string;
  /** The colliding resource. */
  readonly resource: TerraformResource;
}

/** Finds mounts of a stack that Vault would refuse next to ours. @internal */
export class StackMounts {
  /**
   * The other mounts of `scope`'s stack, of the given Terraform types, that
   * collide with one of `ours` (Vault refuses equal or nested mounts, but
   * only at apply time). Paths not known at synth (tokens) are skipped.
   */
  public static collisions(scope: IConstruct, types: readonly string[],
    ours: readonly OwnMount[]): MountCollision[] {
    const out: MountCollision[] = [];
    for (const c of TerraformStack.of(scope).node.findAll()) {
      if (!(c instanceof TerraformResource) || ours.some(o => o.resource === c) || !types.includes(c.terraformResourceType)) {
        continue;
      }
      const other = (c as any).pathInput;
      if (typeof other !== 'string' || Token.isUnresolved(other)) {
        continue;
      }
      const path = InputRules.trimSlashes(other);
      for (const mine of ours) {
        if (InputRules.overlaps(path, mine.path)) {
          out.push({ ours: mine, path, resource: c });
        }
      }
    }
    return out;
  }

  private constructor() {}
}
