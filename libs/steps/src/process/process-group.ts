/**
 * The process group a step's process leads (it is spawned detached). Signals go to the
 * whole group so that children the step started are stopped with it.
 */
export class ProcessGroup {
  private terminating = false;
  private killTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly groupId: number,
    private readonly killGraceMs: number,
  ) {}

  /** SIGTERM to the group now, SIGKILL after the grace period if any member is still there. */
  terminate(): void {
    if (this.terminating) return;
    this.terminating = true;
    if (!this.signal('SIGTERM')) return;
    this.killTimer = setTimeout(() => this.signal('SIGKILL'), this.killGraceMs);
    // The step's own pipes keep the event loop alive while it matters; a member that
    // ignored SIGTERM and holds no pipe must not keep a shutting-down worker alive.
    this.killTimer.unref();
  }

  /** Sends SIGKILL at once instead of waiting for the rest of the grace period. */
  kill(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    this.signal('SIGKILL');
  }

  /** True when the signal reached at least one member of the group. */
  private signal(signal: NodeJS.Signals): boolean {
    try {
      process.kill(-this.groupId, signal);
      return true;
    } catch {
      // ESRCH: the group is gone. EPERM: a member changed identity; nothing more we can do.
      return false;
    }
  }
}
