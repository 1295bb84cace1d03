/** Field validation for the intake. Pure functions. */

const CONTROL_CHARS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

/** Removes control, zero-width and bidi-override characters; normalises to NFC. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(CONTROL_CHARS, '').trim();
}

export function normalisePhone(input: string): string | undefined {
  const compact = input.replace(/[\s().-]/g, '');
  if (!/^\+?\d{7,15}$/.test(compact)) return undefined;
  return compact;
}

export function normaliseEmail(input: string): string | undefined {
  const email = input.trim().toLowerCase();
  if (email.length > 254 || !/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]{2,}$/u.test(email)) return undefined;
  return email;
}

export function validateName(input: string): string | undefined {
  const name = cleanText(input).replace(/\s+/g, ' ');
  if (name.length < 2 || name.length > 100) return undefined;
  if (!/\p{L}/u.test(name) || /[@<>{}]|\d{3,}/u.test(name)) return undefined;
  return name;
}

export function matchOrderRef(input: string, pattern: string): string | undefined {
  const match = new RegExp(pattern, 'iu').exec(input);
  if (!match) return undefined;
  return (match[1] ?? match[0]).toUpperCase();
}

/** A phone or e-mail anywhere in a free text (used for pre-filling). */
export function findEmail(text: string): string | undefined {
  const match = /[^\s@<>"，。：:；;]+@[^\s@<>"，。：:；;]+\.[a-z]{2,}/iu.exec(text);
  return match ? normaliseEmail(match[0]) : undefined;
}

export function findPhone(text: string): string | undefined {
  const mobile = /(?<![\d-])1[3-9]\d{9}(?![\d-])/u.exec(text);
  if (mobile) return mobile[0];
  const international = /(?<![\w-])\+\d[\d\s-]{6,16}\d(?![\w-])/u.exec(text);
  return international ? normalisePhone(international[0]) : undefined;
}

export function hasCjk(text: string): boolean {
  return /[\u3400-\u9FFF\uF900-\uFAFF]/u.test(text);
}
