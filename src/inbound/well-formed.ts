/**
 * Text as PostgreSQL can store it. JSON lets a sender write a lone UTF-16
 * surrogate ("\ud800") or NUL, which jsonb and text columns refuse: one such
 * character would fail the whole group-commit batch and put the start of the
 * customer's text in the database's own log. Both are repaired here, at the
 * edge, so nothing that can be repaired is refused.
 */
export function wellFormedText(text: string): string {
  // toWellFormed (Node 20) is outside the ES2023 lib the project compiles against.
  const repaired = (text as unknown as { toWellFormed(): string }).toWellFormed();
  return repaired.includes('\u0000') ? repaired.replaceAll('\u0000', '') : repaired;
}

/** Every string inside `value` (plain objects and arrays, any depth) made well-formed; other values as they are. */
export function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return wellFormedText(value) as T;
  if (Array.isArray(value)) return value.map((item) => wellFormed(item)) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [wellFormedText(key), wellFormed(item)])) as T;
  }
  return value;
}
