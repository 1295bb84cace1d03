/**
 * Contact details as staff see them on a case card: enough to recognise a
 * customer, not enough to copy. 13800138000 → 138****8000,
 * alice@example.com → a***@example.com.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 7) return '*'.repeat(Math.max(digits.length, 3));
  const plus = phone.trim().startsWith('+') ? '+' : '';
  return `${plus}${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskContact(contact: { phone: string | null; email: string | null }): string | undefined {
  const parts = [contact.phone ? maskPhone(contact.phone) : undefined, contact.email ? maskEmail(contact.email) : undefined].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}
