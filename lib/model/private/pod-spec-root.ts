/**
 * Where a pod spec sits in the admitted object: the Job's pod template
 * (`object.spec.template.spec`) or the Pod itself (`object.spec`). The
 * Pod Security, limits, registry and ServiceAccount rules are generated
 * once per root, so the Job and the Pod policy check the same predicates.
 */
export interface PodSpecRoot {
  /** CEL path of the pod spec, e.g. `object.spec.template.spec`. */
  readonly path: string;
  /** CEL guard that the path exists. */
  readonly guard: string;
  /** The field path named in messages, e.g. `spec.template.spec`. */
  readonly field: string;
  /** The admitted kind as messages name it, e.g. `Job`. */
  readonly kind: string;
}
