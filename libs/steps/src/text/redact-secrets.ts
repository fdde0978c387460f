export const REDACTED = '***';

/** Replaces every occurrence of each non-empty secret with `***`, longest secret first. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets.filter((secret) => secret.length > 0))].sort((a, b) => b.length - a.length);
  let redacted = text;
  for (const secret of ordered) {
    if (redacted.includes(secret)) redacted = redacted.split(secret).join(REDACTED);
  }
  return redacted;
}

/** Byte length of the longest secret, so a tail can keep enough context to redact a secret cut at its edge. */
export function longestSecretBytes(secrets: readonly string[]): number {
  return secrets.reduce((max, secret) => Math.max(max, Buffer.byteLength(secret, 'utf8')), 0);
}
