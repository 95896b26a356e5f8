import { ProblemCollector } from './private/problem-collector';

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

  /**
   * Record a problem unless `text` is a positive Kubernetes quantity;
   * returns its value in base units, or undefined when it is not one.
   * @internal
   */
  public static _check(problems: ProblemCollector, path: string, field: string, text: string): number | undefined {
    if (!ResourceQuantity.isValid(text)) {
      problems.add(path, field, text, 'is not a Kubernetes quantity', 'write it like "500m", "2", "1Gi" or "512Mi"');
      return undefined;
    }
    const value = ResourceQuantity.parse(text);
    if (!(value > 0)) {
      problems.add(path, field, text, 'must be greater than zero', 'give a positive amount, e.g. "500m" or "1Gi"');
      return undefined;
    }
    return value;
  }
}
