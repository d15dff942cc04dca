import { FormatRegistry, Type, type StringOptions, type TString } from '@sinclair/typebox';

/**
 * What a string a client sends may hold: text that every part of the system can keep and give
 * back unchanged (the event log's JSON, PostgreSQL's jsonb and text, MessagePack, a browser's
 * screen). One definition, used by every string field of every client command and frame.
 *
 * Text is a sequence of Unicode scalar values (well-formed UTF-16: no unpaired surrogate), kept
 * as sent (not normalized), without:
 * - control characters (general category Cc): U+0000–U+001F (NUL, tab and newline included),
 *   U+007F and U+0080–U+009F: no field of the game is more than one line;
 * - the line and paragraph separators U+2028 and U+2029, for the same reason;
 * - the bidirectional embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069, which
 *   reorder the text shown around them (a name that reverses the leaderboard's next column);
 * - U+FEFF (byte order mark, zero width no-break space).
 * Every other format character is text: zero width joiner and non-joiner, the marks LRM, RLM and
 * ALM, soft hyphen, variation selectors and tag characters (emoji sequences and flags need them).
 * Lengths are counted in UTF-16 code units, as JavaScript's `length` counts them.
 *
 * @example
 * const Title = Text({ minLength: 1, maxLength: 80 });
 * isText('Salade niçoise 🥗'); // true
 * isText('F\udfff');           // false: an unpaired surrogate
 */
export const TEXT_FORMAT = 'gamifier-text';

/** A surrogate without its partner: a high one not followed by a low one, or a low one not preceded by a high one. */
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const forbidden = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

/** Whether `value` is text by the policy above. */
export function isText(value: string): boolean {
  return !forbidden.test(value) && !loneSurrogate.test(value);
}

/** Why `value` is not text (the first fault and where it is), or undefined when it is. */
export function textFault(value: string): string | undefined {
  const lone = loneSurrogate.exec(value);
  const control = forbidden.exec(value);
  const first = [lone, control].filter((m): m is RegExpExecArray => m !== null).sort((a, b) => a.index - b.index)[0];
  if (!first) return undefined;
  const unit = `U+${first[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
  const what = first === lone ? `an unpaired surrogate ${unit}` : `the character ${unit}`;
  return `holds ${what} at index ${first.index}; text is well-formed Unicode without control, line-separator or bidi-override characters`;
}

FormatRegistry.Set(TEXT_FORMAT, isText);

/** A string schema whose value must be text: the one string type of the client's schemas. */
export function Text(options: StringOptions = {}): TString {
  return Type.String({ ...options, format: TEXT_FORMAT });
}
