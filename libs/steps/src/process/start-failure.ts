/** `what` is e.g. "Executable '/opt/x'" or "PowerShell host 'pwsh'". */
export function describeStartFailure(what: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return `${what} was not found`;
    case 'EACCES':
    case 'EPERM':
      return `${what} could not be run: permission denied`;
    case 'ENOEXEC':
      return `${what} is not an executable format`;
    default:
      return `${what} could not be started: ${error.message}`;
  }
}
