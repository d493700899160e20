import { type LabelMatcher, MatchType } from "@ferry/api";
import { isValidLabelName } from "./label-names";
import { matchesEmpty, valuePredicate } from "./match-labels";
import { SelectorError } from "./selector-error";

/**
 * Checks matchers that arrive as messages rather than text (an API request, a stored import)
 * with the rules parseSelector applies. Throws SelectorError without a position.
 */
export function validateMatchers(matchers: readonly LabelMatcher[]): void {
  for (const [index, m] of matchers.entries()) {
    if (m.type === MatchType.UNSPECIFIED) {
      throw new SelectorError(
        "syntax",
        "",
        undefined,
        `matcher ${index} (${JSON.stringify(m.name)}) has no match type`,
      );
    }
    if (!isValidLabelName(m.name)) {
      throw new SelectorError(
        "invalid_label_name",
        "",
        undefined,
        `matcher ${index}: invalid label name ${JSON.stringify(m.name)}: must match [a-zA-Z_][a-zA-Z0-9_]*`,
      );
    }
    valuePredicate(m);
  }
  if (matchers.every(matchesEmpty)) {
    throw new SelectorError(
      "matches_empty",
      "",
      undefined,
      "selector must contain at least one matcher that does not match the empty string",
    );
  }
}
