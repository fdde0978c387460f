import { spawn, type ChildProcess } from 'node:child_process';

/**
 * The warden, in POSIX sh. It reads `+ <group> <grace seconds>` (a step's process group started) and `- <group>`
 * (it ended) from stdin. Only this process holds the other end of that pipe, so stdin ends when it dies, however it
 * dies (SIGKILL, a crash, the spawner thread stopped): the warden then sends SIGTERM to every group still
 * registered and SIGKILL to what is left of them after the longest grace period, and exits.
 */
const WARDEN_SCRIPT = `
groups=
grace=0
while IFS=' ' read -r op group seconds; do
  case $op in
    +) groups="$groups $group"; [ "$seconds" -gt "$grace" ] && grace=$seconds ;;
    -) kept=; for g in $groups; do [ "$g" = "$group" ] || kept="$kept $g"; done; groups=$kept ;;
  esac
done
[ -n "$groups" ] || exit 0
for g in $groups; do kill -TERM -$g 2>/dev/null; done
tenths=0
while [ "$tenths" -lt $((grace * 10)) ]; do
  alive=
  for g in $groups; do kill -0 -$g 2>/dev/null && alive=1; done
  [ -n "$alive" ] || exit 0
  if sleep 0.1 2>/dev/null; then tenths=$((tenths + 1)); else sleep 1; tenths=$((tenths + 10)); fi
done
for g in $groups; do kill -KILL -$g 2>/dev/null; done
`;

/**
 * Stops the process groups of running steps when the process that started them dies without stopping them. A step
 * process is spawned detached (it leads its own group, so the worker can stop its whole tree), which also means
 * nothing takes it down with a worker that is killed: it would run on, orphaned, while the sweeper fails its step
 * and the execution moves on. The warden is one small `sh` process per spawner, in a session of its own, told of each
 * group as it starts and ends.
 */
export class ProcessWarden {
  private child: ChildProcess | null = null;
  private unavailable = false;
  /** Registered groups and their grace period in whole seconds. */
  private readonly groups = new Map<number, number>();

  /** Registers a step's process group (its leader's pid), stopped with this grace period if this process dies. */
  watch(groupId: number, killGraceMs: number): void {
    const seconds = Math.max(1, Math.ceil(killGraceMs / 1000));
    this.groups.set(groupId, seconds);
    this.send(`+ ${groupId} ${seconds}\n`);
  }

  /** The group's step has ended: the warden forgets it. */
  release(groupId: number): void {
    if (!this.groups.delete(groupId)) return;
    this.send(`- ${groupId}\n`);
  }

  /** The warden's pid while it runs (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Ends the warden's input: it stops the groups still registered, as when this process dies. */
  close(): void {
    this.child?.stdin?.end();
    this.child = null;
  }

  private send(line: string): void {
    // A warden that starts is told of every registered group, this change included.
    if (this.child) this.child.stdin?.write(line);
    else this.start();
  }

  /** Starts a warden and tells it of the groups already registered (a warden that died is replaced this way). */
  private start(): void {
    if (this.unavailable) return;
    let child: ChildProcess;
    try {
      child = spawn('/bin/sh', ['-c', WARDEN_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    } catch {
      this.unavailable = true;
      return;
    }
    const lost = () => {
      if (this.child === child) this.child = null;
    };
    child.on('error', () => {
      // No /bin/sh: steps still run, without this protection.
      if (child.pid === undefined) this.unavailable = true;
      lost();
    });
    child.on('exit', lost);
    // A write after the warden died fails with EPIPE; the next registration starts a new warden.
    child.stdin?.on('error', lost);
    child.unref();
    // Neither keeps this process alive: the warden matters only while it does not exit.
    (child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
    if (child.pid === undefined) return;
    this.child = child;
    const registered = [...this.groups].map(([group, seconds]) => `+ ${group} ${seconds}\n`).join('');
    if (registered) child.stdin?.write(registered);
  }
}
