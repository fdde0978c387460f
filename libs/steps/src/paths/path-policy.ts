import { realpath } from 'node:fs/promises';
import { resolve, sep } from 'node:path';

/**
 * True when `path` lies inside one of `allowedRoots` (or no roots are configured).
 * `..` segments are resolved first; a root only matches at a separator boundary,
 * so `/opt/scripts` allows `/opt/scripts/a.ps1` but not `/opt/scripts-old/a.ps1`.
 */
export function isPathAllowed(path: string, allowedRoots: readonly string[] | undefined): boolean {
  if (!allowedRoots || allowedRoots.length === 0) return true;
  const target = resolve(path);
  return allowedRoots.some((root) => isInside(target, resolve(root)));
}

/**
 * The same check after following symbolic links, so a link inside a root cannot point
 * outside it. A path or root that does not exist is compared as written.
 */
export async function isRealPathAllowed(path: string, allowedRoots: readonly string[] | undefined): Promise<boolean> {
  if (!allowedRoots || allowedRoots.length === 0) return true;
  const target = await realOrResolved(path);
  const roots = await Promise.all(allowedRoots.map(realOrResolved));
  return roots.some((root) => isInside(target, root));
}

export function outsideRootsMessage(path: string): string {
  return `Path '${path}' is outside the allowed script roots`;
}

function isInside(target: string, root: string): boolean {
  if (target === root) return true;
  const prefix = root.endsWith(sep) ? root : root + sep;
  return target.startsWith(prefix);
}

async function realOrResolved(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch {
    return resolve(path);
  }
}

/** The failure message for a path the policy refuses, or null when it may be used. */
export async function refusePathOutsideRoots(path: string, allowedRoots: readonly string[] | undefined): Promise<string | null> {
  if (!isPathAllowed(path, allowedRoots)) return outsideRootsMessage(path);
  if (!(await isRealPathAllowed(path, allowedRoots))) return outsideRootsMessage(path);
  return null;
}
