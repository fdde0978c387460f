import { accessSync, constants, realpathSync, statSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { delimiter, isAbsolute, resolve, sep } from 'node:path';
import { STEP_FILE_FIELD, type StepFileField } from '@jim/contracts';
import type { StepSpec } from '../step';
import { workerEnvironment, type Environment } from '../process/step-environment';

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

/** The fields of a step that hold paths: the file its type runs or reads (STEP_FILE_FIELD), and its working directory. */
export type StepPathField = StepFileField | 'workingDirectory';

export type StepPaths = Pick<StepSpec, 'stepType' | StepPathField>;

const FILE_FIELD: Partial<Record<StepSpec['stepType'], StepFileField>> = STEP_FILE_FIELD;

export interface StepPathProblem {
  field: StepPathField;
  /** Starts in lower case, e.g. "path 'x' is outside the allowed script roots". */
  message: string;
}

export interface ResolvedStepPaths {
  /** The working directory as configured (trimmed), or null. */
  workingDirectory: string | null;
  /** The field naming the file the step runs or reads, if its type has one. */
  fileField: StepPathField | null;
  /** That file as configured (trimmed), or null. */
  configuredFile: string | null;
  /**
   * The file the worker uses: a relative path resolved against the working directory, a bare
   * executable name looked up on the step's PATH. Null when absent or not found on PATH.
   */
  file: string | null;
  problems: StepPathProblem[];
}

/**
 * Where a step's paths point and whether the allowed roots permit them. The API (when a step
 * is saved) and the worker (before it runs the step) both decide with this one function:
 *
 * - a relative file path is taken relative to the step's working directory (or the worker's
 *   own when the step has none);
 * - a bare executable name (no `/`) is looked up on the step's PATH, as the process would
 *   run it, and the match is what is checked and run;
 * - the working directory is checked too;
 * - every check is made both as written and with symbolic links followed.
 *
 * `environment` supplies PATH; it defaults to this process's environment.
 */
export function resolveStepPaths(
  step: StepPaths,
  allowedRoots: readonly string[] | undefined,
  environment: Environment = workerEnvironment(),
): ResolvedStepPaths {
  const workingDirectory = step.stepType === 'SqlScript' ? null : step.workingDirectory?.trim() || null;
  const fileField = FILE_FIELD[step.stepType] ?? null;
  const configuredFile = (fileField && step[fileField]?.trim()) || null;
  const problems: StepPathProblem[] = [];
  const restricted = !!allowedRoots && allowedRoots.length > 0;

  if (workingDirectory && !isSyncPathAllowed(workingDirectory, allowedRoots)) {
    problems.push({ field: 'workingDirectory', message: outsideMessage(workingDirectory, resolve(workingDirectory)) });
  }

  let file: string | null = null;
  if (fileField && configuredFile) {
    if (step.stepType === 'Executable' && isBareCommandName(configuredFile)) {
      file = findOnPath(configuredFile, environment.PATH ?? '', workingDirectory);
      if (!file && restricted) {
        problems.push({ field: fileField, message: `command '${configuredFile}' was not found on PATH, so it cannot be checked against the allowed script roots` });
      }
    } else {
      file = resolve(workingDirectory ?? '.', configuredFile);
    }
    if (file && !isSyncPathAllowed(file, allowedRoots)) problems.push({ field: fileField, message: outsideMessage(configuredFile, file) });
  }
  return { workingDirectory, fileField, configuredFile, file, problems };
}

/** The problem as a sentence, as a step's error message. */
export function problemText(problem: StepPathProblem): string {
  return problem.message.charAt(0).toUpperCase() + problem.message.slice(1);
}

/** A bare command name (no directory part) is looked up on PATH. */
export function isBareCommandName(path: string): boolean {
  return !path.includes('/') && !path.includes('\\');
}

/**
 * The first executable file named `name` in the directories of `pathVariable`, as `execvp`
 * would find it for a process started in `workingDirectory` (relative entries are relative to it).
 */
export function findOnPath(name: string, pathVariable: string, workingDirectory: string | null): string | null {
  for (const dir of pathVariable.split(delimiter)) {
    const candidate = resolve(workingDirectory ?? '.', dir || '.', name);
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here, or not executable: execvp goes on to the next entry too.
    }
  }
  return null;
}

function outsideMessage(configured: string, resolved: string): string {
  const shown = configured === resolved ? `'${configured}'` : `'${configured}' (${resolved})`;
  return `path ${shown} is outside the allowed script roots`;
}

/** As written and with symbolic links followed (a path that does not exist is compared as written). */
function isSyncPathAllowed(path: string, allowedRoots: readonly string[] | undefined): boolean {
  if (!allowedRoots || allowedRoots.length === 0) return true;
  if (!isPathAllowed(path, allowedRoots)) return false;
  const target = realOrResolvedSync(path);
  return allowedRoots.map(realOrResolvedSync).some((root) => isInside(target, root));
}

function realOrResolvedSync(path: string): string {
  const absolute = isAbsolute(path) ? path : resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    return resolve(absolute);
  }
}
