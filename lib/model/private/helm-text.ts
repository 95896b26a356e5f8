/**
 * Helm renders every file under a chart's `templates/` as a Go template
 * before it parses the YAML, so a literal `{{` in a manifest (a
 * PrometheusRule's `{{ $labels.x }}`, a Vault Agent template annotation)
 * would be executed. In a chart, each literal `{{` is written as the Go
 * template action {{`{{`}} (a raw-string constant: no quote that YAML could
 * escape), which Helm renders back to `{{`.
 */
export class HelmText {
  /** The template action Helm renders as a literal `{{`. */
  public static readonly ESCAPED_OPEN = '{{`{{`}}';

  /** `text` with every literal `{{` escaped; idempotent (escapes already present are kept). */
  public static escape(text: string): string {
    return text.split(HelmText.ESCAPED_OPEN).map(part => part.replace(/\{\{/g, HelmText.ESCAPED_OPEN)).join(HelmText.ESCAPED_OPEN);
  }

  /** What Helm renders from escaped text: every escape back to `{{`. */
  public static unescape(text: string): string {
    return text.split(HelmText.ESCAPED_OPEN).join('{{');
  }

  /** Whether `text` holds a `{{` that is not part of an escape (Helm would execute it). */
  public static hasUnescaped(text: string): boolean {
    return text.split(HelmText.ESCAPED_OPEN).some(part => part.includes('{{'));
  }

  private constructor() {}
}
