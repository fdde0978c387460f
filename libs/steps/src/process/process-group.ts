import { readdirSync, readFileSync } from 'node:fs';

/** Rounds of walk-and-freeze before the final SIGKILL; each round only repeats while new descendants appear. */
const MAX_FREEZE_ROUNDS = 50;

interface ProcessEntry {
  pid: number;
  ppid: number;
  pgrp: number;
  /** Start time in clock ticks since boot: tells a reused pid from the process we saw. */
  startTime: string;
  zombie: boolean;
}

/**
 * The processes a step started: the process group its process leads (it is spawned detached)
 * and every descendant of that group, including those that left it with `setsid` or `setpgid`.
 * Descendants are found by walking parent links in `/proc/<pid>/stat`; each one found is
 * remembered, so it is still signalled after its parent has died and it was reparented.
 */
export class ProcessGroup {
  private terminating = false;
  private killTimer: NodeJS.Timeout | undefined;
  private readonly known = new Map<number, string>();

  constructor(
    private readonly groupId: number,
    private readonly killGraceMs: number,
  ) {}

  /** SIGTERM to the group and its descendants now, SIGKILL after the grace period if any is still there. */
  terminate(): void {
    if (this.terminating) return;
    this.terminating = true;
    // The walk starts from the group's members and the descendants seen before: with neither (the usual end of a
    // step), it would read all of /proc to find nothing.
    if (this.known.size === 0 && !signalGroup(this.groupId, 0)) return;
    const descendants = this.walk();
    const reachedGroup = signalGroup(this.groupId, 'SIGTERM');
    const reachedOthers = descendants.filter((pid) => signalProcess(pid, 'SIGTERM')).length > 0;
    if (!reachedGroup && !reachedOthers) return;
    this.killTimer = setTimeout(() => this.kill(), this.killGraceMs);
    // The step's own pipes keep the event loop alive while it matters; a member that
    // ignored SIGTERM and holds no pipe must not keep a shutting-down worker alive.
    this.killTimer.unref();
  }

  /**
   * SIGKILL at once instead of waiting for the rest of the grace period. Every descendant is
   * first stopped (SIGSTOP), walking again until a walk finds no new one, so that none can
   * fork a child between the walk and the kill.
   */
  kill(): void {
    if (this.killTimer) clearTimeout(this.killTimer);
    this.killTimer = undefined;
    signalGroup(this.groupId, 'SIGSTOP');
    for (let round = 0; round < MAX_FREEZE_ROUNDS; round++) {
      const seen = this.known.size;
      for (const pid of this.walk()) signalProcess(pid, 'SIGSTOP');
      if (round > 0 && this.known.size === seen) break;
    }
    signalGroup(this.groupId, 'SIGKILL');
    for (const pid of this.walk()) signalProcess(pid, 'SIGKILL');
  }

  /**
   * The live processes of the step outside of what a group signal reaches for sure: every
   * descendant of the leader, of the group's members and of the processes seen before.
   */
  private walk(): number[] {
    const table = processTable();
    if (!table) return [];
    const children = new Map<number, ProcessEntry[]>();
    for (const entry of table.values()) {
      const siblings = children.get(entry.ppid);
      if (siblings) siblings.push(entry);
      else children.set(entry.ppid, [entry]);
    }
    const queue: number[] = [this.groupId];
    for (const entry of table.values()) if (entry.pgrp === this.groupId) queue.push(entry.pid);
    for (const [pid, startTime] of this.known) if (table.get(pid)?.startTime === startTime) queue.push(pid);

    const found = new Set<number>();
    while (queue.length > 0) {
      const pid = queue.pop()!;
      for (const child of children.get(pid) ?? []) {
        if (found.has(child.pid)) continue;
        found.add(child.pid);
        this.known.set(child.pid, child.startTime);
        queue.push(child.pid);
      }
    }
    return [...this.known]
      .filter(([pid, startTime]) => {
        const entry = table.get(pid);
        return entry !== undefined && entry.startTime === startTime && !entry.zombie;
      })
      .map(([pid]) => pid);
  }
}

/** Every process of the host by pid, or null where there is no `/proc` (the group signal is then all there is). */
function processTable(): Map<number, ProcessEntry> | null {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return null;
  }
  const table = new Map<number, ProcessEntry>();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const entry = readStat(Number(name));
    if (entry) table.set(entry.pid, entry);
  }
  return table;
}

function readStat(pid: number): ProcessEntry | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null; // exited while we looked
  }
  // The command name (field 2) may contain spaces and parentheses; the fields after its last ')' are plain.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of stat(5): state, ppid, pgrp, ... starttime is field 22.
  return { pid, ppid: Number(fields[1]), pgrp: Number(fields[2]), startTime: fields[19], zombie: fields[0] === 'Z' || fields[0] === 'X' };
}

/** True when the signal reached at least one member of the group (signal 0: when the group has a member). */
function signalGroup(groupId: number, signal: NodeJS.Signals | 0): boolean {
  return signalProcess(-groupId, signal);
}

function signalProcess(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    // ESRCH: gone. EPERM: it changed identity; nothing more we can do.
    return false;
  }
}
