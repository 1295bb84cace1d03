/** Removes bot tokens, Slack tokens and bearer credentials from platform error texts before they are logged or stored. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\d{5,}:[A-Za-z0-9_-]{30,}/g, '[redacted]')
    .replace(/\b(xox[a-z]|xapp)-[A-Za-z0-9-]+/g, '[redacted]')
    .replace(/(bearer\s+)[^\s"']+/gi, '$1[redacted]');
}
