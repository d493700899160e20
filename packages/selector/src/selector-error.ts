/** Why a selector was refused; stable strings callers may switch on. */
export type SelectorErrorReason =
  | "syntax"
  | "invalid_string"
  | "invalid_label_name"
  | "invalid_regex"
  | "duplicate_metric_name"
  | "matches_empty";

/**
 * A series selector that is not valid PromQL, or valid PromQL that Prometheus refuses
 * (a selector whose every matcher matches the empty string).
 */
export class SelectorError extends Error {
  override readonly name = "SelectorError";

  constructor(
    readonly reason: SelectorErrorReason,
    /** The text that was parsed; empty when the matchers did not come from text. */
    readonly input: string,
    /** 0-based offset in `input` where the problem is; undefined when there is no text. */
    readonly position: number | undefined,
    /** What is wrong, without the position. */
    readonly detail: string,
  ) {
    super(position === undefined ? detail : `column ${position + 1}: ${detail}`);
  }
}
