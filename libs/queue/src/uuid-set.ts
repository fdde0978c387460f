/**
 * A set of UUIDs held as 16 bytes each (four 32-bit words) rather than as strings (about 80 bytes each with the
 * set's entry): the reconcile pass remembers every job scheduler it has seen, which at a million schedules is
 * 16 MB here and several times that as a `Set<string>`. Sorted once, on the first lookup after additions.
 */
export class UuidSet {
  private words = new Uint32Array(4 * 1024);
  private count = 0;
  private order: Uint32Array | null = null;

  get size(): number {
    return this.count;
  }

  /** `uuid` must be a UUID (36 characters, hexadecimal in either case). */
  add(uuid: string): void {
    if (4 * (this.count + 1) > this.words.length) {
      const grown = new Uint32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    this.words.set(wordsOf(uuid), 4 * this.count);
    this.count++;
    this.order = null;
  }

  has(uuid: string): boolean {
    const order = this.sorted();
    const key = wordsOf(uuid);
    let low = 0;
    let high = order.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const c = this.compareTo(order[middle], key);
      if (c === 0) return true;
      if (c < 0) low = middle + 1;
      else high = middle - 1;
    }
    return false;
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
