import { isAbsolute, resolve } from 'node:path';

/**
 * A relative path as the step's process would see it: relative to the step's working
 * directory when it has one. Checks (allowed roots, existence) then apply to the same file.
 */
export function resolveInWorkingDirectory(path: string, workingDirectory: string | null): string {
  if (isAbsolute(path) || !workingDirectory) return path;
  return resolve(workingDirectory, path);
}

/** A bare command name (no directory part) is looked up on PATH instead. */
export function isBareCommandName(path: string): boolean {
  return !path.includes('/') && !path.includes('\\');
}
