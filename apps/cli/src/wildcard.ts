/** PowerShell-style `-like`: `*` any run of characters, `?` one character, whole name, ignoring case. */
export function wildcardToRegExp(pattern: string): RegExp {
  const source = [...pattern]
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, 'is');
}

export function matchesWildcard(value: string, pattern: string): boolean {
  return wildcardToRegExp(pattern).test(value);
}

/** The longest wildcard-free part: every match contains it, so the server can narrow the list by it. */
export function longestLiteral(pattern: string): string {
  return pattern.split(/[*?]/).reduce((longest, part) => (part.length > longest.length ? part : longest), '');
}
