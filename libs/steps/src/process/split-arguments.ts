export class ArgumentSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
    this.name = 'ArgumentSyntaxError';
  }
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r', '\f', '\v']);

/**
 * Splits a step's argument string into argv entries; no shell is involved.
 *
 * - Unquoted whitespace separates arguments.
 * - Double quotes group text, whitespace included; `""` is an empty argument, and
 *   quoted and unquoted text next to each other join (`a"b c"d` is `ab cd`).
 * - A backslash escapes `"` or `\`, inside and outside quotes. Before any other
 *   character it is literal, so `C:\Temp\x` stays as written.
 * - Single quotes are ordinary characters.
 * - An unterminated double quote throws {@link ArgumentSyntaxError}.
 */
export function splitArguments(args: string): string[] {
  const result: string[] = [];
  let current = '';
  let inArgument = false;
  let inQuotes = false;
  let quoteStart = -1;

  for (let i = 0; i < args.length; i++) {
    const char = args[i];
    if (char === '\\') {
      const next = args[i + 1];
      if (next === '"' || next === '\\') {
        current += next;
        i++;
      } else {
        current += char;
      }
      inArgument = true;
    } else if (char === '"') {
      inQuotes = !inQuotes;
      if (inQuotes) quoteStart = i;
      inArgument = true;
    } else if (!inQuotes && WHITESPACE.has(char)) {
      if (inArgument) result.push(current);
      current = '';
      inArgument = false;
    } else {
      current += char;
      inArgument = true;
    }
  }

  if (inQuotes) {
    throw new ArgumentSyntaxError(`Unterminated double quote starting at position ${quoteStart + 1} of the arguments`, quoteStart);
  }
  if (inArgument) result.push(current);
  return result;
}
