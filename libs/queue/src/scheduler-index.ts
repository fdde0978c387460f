import { createHash } from 'node:crypto';

/**
 * The job schedulers a reconcile pass has seen, 25 bytes each rather than strings and objects (about 200 bytes):
 * the schedule's id (a UUID, as four 32-bit words), a 64-bit digest of what the scheduler follows (pattern and time
 * zone), and whether a schedule that fires has claimed it. At a million schedules that is 25 MB. Sorted once, on
 * the first lookup after additions.
 */
export class SchedulerIndex {
  private words = new Uint32Array(4 * 1024);
  private digests = new Uint32Array(2 * 1024);
  private claimed = new Uint8Array(1024);
  private count = 0;
  private order: Uint32Array | null = null;

  get size(): number {
    return this.count;
  }

  /** `scheduleId` must be a UUID (36 characters, hexadecimal in either case). */
  add(scheduleId: string, pattern: string | null | undefined, timeZone: string): void {
    if (this.count === this.claimed.length) this.grow();
    this.words.set(wordsOf(scheduleId), 4 * this.count);
    this.digests.set(digestOf(pattern, timeZone), 2 * this.count);
    this.count++;
    this.order = null;
  }

  /**
   * Claims the scheduler of `scheduleId` for a schedule that fires: true when one was seen and it follows `pattern`
   * in `timeZone`. A scheduler seen with something else is claimed too (the caller upserts it) but answers false.
   */
  claim(scheduleId: string, pattern: string, timeZone: string): boolean {
    const at = this.find(scheduleId);
    if (at < 0) return false;
    this.claimed[at] = 1;
    const [a, b] = digestOf(pattern, timeZone);
    return this.digests[2 * at] === a && this.digests[2 * at + 1] === b;
  }

  /** The schedule ids of the schedulers no schedule claimed, in batches of at most `size`. */
  *unclaimed(size: number): Generator<string[]> {
    let batch: string[] = [];
    for (let i = 0; i < this.count; i++) {
      if (this.claimed[i]) continue;
      batch.push(uuidOf(this.words.subarray(4 * i, 4 * i + 4)));
      if (batch.length === size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  private find(scheduleId: string): number {
    const order = this.sorted();
    const key = wordsOf(scheduleId);
    let low = 0;
    let high = order.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const c = this.compareTo(order[middle], key);
      if (c === 0) return order[middle];
      if (c < 0) low = middle + 1;
      else high = middle - 1;
    }
    return -1;
  }

  private grow(): void {
    const grow = <T extends Uint32Array | Uint8Array>(array: T, make: (n: number) => T): T => {
      const grown = make(array.length * 2);
      grown.set(array);
      return grown;
    };
    this.words = grow(this.words, (n) => new Uint32Array(n));
    this.digests = grow(this.digests, (n) => new Uint32Array(n));
    this.claimed = grow(this.claimed, (n) => new Uint8Array(n));
  }

  private sorted(): Uint32Array {
    if (this.order) return this.order;
    const order = new Uint32Array(this.count);
    for (let i = 0; i < this.count; i++) order[i] = i;
    const w = this.words;
    order.sort((a, b) => {
      for (let k = 0; k < 4; k++) {
        const d = w[4 * a + k] - w[4 * b + k];
        if (d !== 0) return d;
      }
      return 0;
    });
    this.order = order;
    return order;
  }

  private compareTo(index: number, key: readonly number[]): number {
    for (let k = 0; k < 4; k++) {
      const d = this.words[4 * index + k] - key[k];
      if (d !== 0) return d;
    }
    return 0;
  }
}

function wordsOf(uuid: string): number[] {
  const hex = uuid.replace(/-/g, '');
  return [0, 8, 16, 24].map((at) => parseInt(hex.slice(at, at + 8), 16));
}

function uuidOf(words: Uint32Array): string {
  const hex = Array.from(words, (w) => w.toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function digestOf(pattern: string | null | undefined, timeZone: string): [number, number] {
  const digest = createHash('sha1').update(`${pattern ?? ''}\n${timeZone}`).digest();
  return [digest.readUInt32BE(0), digest.readUInt32BE(4)];
}
