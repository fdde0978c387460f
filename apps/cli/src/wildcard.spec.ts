import { longestLiteral, matchesWildcard } from './wildcard';

describe('wildcard names', () => {
  it.each([
    ['Nightly HR', 'nightly*', true],
    ['Nightly HR', '*hr', true],
    ['Nightly HR', 'Night?y HR', true],
    ['Nightly HR', 'HR', false],
    ['Nightly HR', '*', true],
    ['a.b (1)', 'a.b (1)', true],
    ['axb (1)', 'a.b (1)', false],
    ['[x] y', '[x]*', true],
  ])('%s like %s → %s', (value, pattern, expected) => {
    expect(matchesWildcard(value, pattern)).toBe(expected);
  });

  it('finds the longest literal part', () => {
    expect(longestLiteral('*HR*Delta?')).toBe('Delta');
    expect(longestLiteral('*')).toBe('');
    expect(longestLiteral('Nightly')).toBe('Nightly');
  });
});
