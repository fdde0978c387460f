/** Header and field names whose values never reach a log line. */
export const REDACTED_LOG_PATHS = [
  'req.headers["x-api-key"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.sqlConnectionString',
  '*.password',
  '*.key',
];

export function redactConnectionStringPasswords(text: string): string {
  return text
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]*)(@)/gi, '$1***$3')
    .replace(/(\b(?:password|pwd)\s*=\s*)([^;\s]*)/gi, '$1***');
}
