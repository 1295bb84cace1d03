/**
 * Masked contact details for places where staff need to recognise a contact
 * but not read it (the Slack case card). Pure; never throws.
 */

/** `13800138000` → `138****8000`; `+447700900123` → `+447*****0123`. Short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  const compact = phone.replace(/[\s().-]/g, '');
  const plus = compact.startsWith('+') ? '+' : '';
  const digits = plus ? compact.slice(1) : compact;
  if (digits.length === 0) return '***';
  if (digits.length < 8) return plus + '*'.repeat(Math.max(1, digits.length - 2)) + digits.slice(-2);
  return plus + digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
}

/** `alice@example.com` → `a***@example.com`. A one-letter local part is hidden entirely. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  return `${local.length > 1 ? [...local][0] : ''}***@${domain}`;
}
