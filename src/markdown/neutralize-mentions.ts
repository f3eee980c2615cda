/**
 * Stops text from pinging people or cross-linking issues when GitHub renders it.
 *
 * Choice: insert U+200B ZERO WIDTH SPACE right after the trigger character.
 * - `@user`, `@org/team` (and `owner/repo@sha`, `name@example.com`): `@` + ZWSP + name.
 * - `#123` and `owner/repo#123`: `#` + ZWSP + digits.
 * - `GH-123`: `GH-` + ZWSP + digits.
 * GitHub only recognises a mention or reference when the name or number follows the trigger
 * directly, so the text looks the same but does nothing. Text copied from a rendered digest
 * carries the invisible character; that is the accepted price.
 *
 * Only for text GitHub renders as plain Markdown. Inside code (spans, fences, `<code>`) GitHub
 * links no mention or reference, so text shown there is not passed here and keeps its exact
 * characters (see `safeCode`).
 *
 * Idempotent: after the insertion the trigger is followed by ZWSP, which no rule matches.
 */
const ZERO_WIDTH_SPACE = "\u200B";

const MENTION = /@(?=[A-Za-z0-9])/g;
const NUMBER_REFERENCE = /#(?=[0-9])/g;
const GH_REFERENCE = /(GH-)(?=[0-9])/gi;

export function neutralizeMentions(text: string): string {
  return text
    .replace(MENTION, `@${ZERO_WIDTH_SPACE}`)
    .replace(NUMBER_REFERENCE, `#${ZERO_WIDTH_SPACE}`)
    .replace(GH_REFERENCE, `$1${ZERO_WIDTH_SPACE}`);
}
