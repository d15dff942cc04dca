import { BusSubjectInvalidError } from './errors.js';

// NATS' rules: tokens separated by '.', none empty, no whitespace; '*' (one token) and '>' (the
// rest, last only) are wildcards when they are a whole token and may appear only where one listens.
const whitespace = /[\s\u0000]/u;

/** Throws BUS_SUBJECT_INVALID unless `subject` is one NATS accepts (with wildcards when `pattern`). */
export function checkSubject(subject: string, pattern: boolean): void {
  if (typeof subject !== 'string' || subject.length === 0) throw new BusSubjectInvalidError(String(subject), 'it is empty');
  if (whitespace.test(subject)) throw new BusSubjectInvalidError(subject, 'it holds whitespace');
  const tokens = subject.split('.');
  tokens.forEach((token, i) => {
    if (token.length === 0) throw new BusSubjectInvalidError(subject, 'it has an empty token');
    const wildcard = token === '*' || token === '>';
    if (wildcard && !pattern) throw new BusSubjectInvalidError(subject, 'a message goes to one subject, without wildcards');
    if (!wildcard && (token.includes('*') || token.includes('>'))) {
      throw new BusSubjectInvalidError(subject, "'*' and '>' stand alone as tokens");
    }
    if (token === '>' && i !== tokens.length - 1) throw new BusSubjectInvalidError(subject, "'>' must be the last token");
  });
}

export function isPattern(subject: string): boolean {
  return subject.split('.').some((token) => token === '*' || token === '>');
}

/** Whether `subject` (no wildcards) falls under `pattern`. */
export function subjectMatches(pattern: string, subject: string): boolean {
  const want = pattern.split('.');
  const got = subject.split('.');
  for (let i = 0; i < want.length; i++) {
    if (want[i] === '>') return got.length > i;
    if (i >= got.length) return false;
    if (want[i] !== '*' && want[i] !== got[i]) return false;
  }
  return want.length === got.length;
}

// Everything that would split, widen or break a subject, and '%' so that the escape is one-to-one.
const unsafe = /[%.*>\s\u0000-\u001f\u007f]/gu;

/**
 * Any string as one subject token, reversibly: `.`, `*`, `>`, `%`, whitespace and control
 * characters become `%XX` (their UTF-8 bytes), so two different strings never share a token.
 */
export function subjectToken(text: string): string {
  if (text.length === 0) throw new BusSubjectInvalidError(text, 'a token cannot be empty');
  return text.replace(unsafe, (char) => [...Buffer.from(char, 'utf8')].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, '0')}`).join(''));
}
