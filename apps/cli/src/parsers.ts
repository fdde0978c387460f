import { InvalidArgumentError } from 'commander';

/** A whole number within bounds; "5x" and "1.5" are usage errors, not silently truncated. */
export function integer(min: number, max: number) {
  return (value: string): number => {
    if (!/^\s*-?\d+\s*$/.test(value)) throw new InvalidArgumentError('must be a whole number.');
    const n = Number(value);
    if (n < min || n > max) throw new InvalidArgumentError(`must be between ${min} and ${max}.`);
    return n;
  };
}

/** One of fixed values, ignoring case; the API's spelling is what is sent. */
export function choice<T extends string>(values: readonly T[]) {
  return (value: string): T => {
    const match = values.find((v) => v.toLowerCase() === value.trim().toLowerCase());
    if (!match) throw new InvalidArgumentError(`must be one of ${values.join(', ')}.`);
    return match;
  };
}
