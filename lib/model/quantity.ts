const SUFFIX: { [key: string]: number } = {
  'n': 1e-9, 'u': 1e-6, 'm': 1e-3, '': 1, 'k': 1e3, 'M': 1e6, 'G': 1e9, 'T': 1e12, 'P': 1e15, 'E': 1e18,
  'Ki': 2 ** 10, 'Mi': 2 ** 20, 'Gi': 2 ** 30, 'Ti': 2 ** 40, 'Pi': 2 ** 50, 'Ei': 2 ** 60,
};
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei))?$/;

/**
 * Kubernetes resource quantities ("500m", "4Gi"), parsed so limits can be
 * compared with requests at synth instead of at admission.
 * @see https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/
 */
export class ResourceQuantity {
  /** Whether `text` is a valid quantity. */
  public static isValid(text: string): boolean {
    return typeof text === 'string' && QUANTITY.test(text);
  }

  /** The value of a quantity in base units (cores, bytes); throws on malformed input. */
  public static parse(text: string): number {
    const m = typeof text === 'string' ? QUANTITY.exec(text) : null;
    if (!m) {
      throw new Error(`${JSON.stringify(text)} is not a Kubernetes quantity (e.g. "500m", "2", "4Gi")`);
    }
    const base = Number(m[1]);
    if (m[2]) {
      return base * Math.pow(10, Number(m[2].slice(1)));
    }
    return base * SUFFIX[m[3] ?? ''];
  }
}
