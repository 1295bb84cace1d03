/** Cleaning and name checks for the intake (field readers live in src/understanding). Pure functions. */

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Removes control, zero-width and bidi-override characters; normalises to NFC. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(CONTROL_CHARS, '').trim();
}

export function validateName(input: string): string | undefined {
  const name = cleanText(input).replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 100) return undefined;
  if (!/\p{L}/u.test(name) || /[@<>{}]|\d{3,}/u.test(name)) return undefined;
  return name;
}

export function hasCjk(text: string): boolean {
  return /[\u3400-\u9FFF\uF900-\uFAFF]/u.test(text);
}
