import { longestSecretBytes, redactSecrets } from './redact-secrets';

export const OUTPUT_TAIL_BYTES = 64 * 1024;

/**
 * Keeps the last `limitBytes` of a byte stream. The kept text never starts inside a
 * UTF-8 sequence, and secrets are redacted before the final cut so that a secret
 * straddling the cut cannot leak a fragment.
 */
export class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;
  private readonly keepBytes: number;

  constructor(
    private readonly secrets: readonly string[] = [],
    private readonly limitBytes: number = OUTPUT_TAIL_BYTES,
  ) {
    this.keepBytes = limitBytes + longestSecretBytes(secrets) + 4;
  }

  append(chunk: Buffer | string): void {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (buffer.length === 0) return;
    this.chunks.push(buffer);
    this.size += buffer.length;
    if (this.size > this.keepBytes * 2) this.compact();
  }

  /** The redacted tail, or null when nothing was written. */
  text(): string | null {
    if (this.size === 0) return null;
    this.compact();
    const redacted = redactSecrets(decodeFromBoundary(Buffer.concat(this.chunks)), this.secrets);
    const bytes = Buffer.from(redacted, 'utf8');
    if (bytes.length <= this.limitBytes) return redacted;
    return decodeFromBoundary(bytes.subarray(bytes.length - this.limitBytes));
  }

  private compact(): void {
    if (this.size <= this.keepBytes) return;
    const all = Buffer.concat(this.chunks);
    const kept = Buffer.from(all.subarray(all.length - this.keepBytes));
    this.chunks = [kept];
    this.size = kept.length;
  }
}

/** Decodes UTF-8, skipping continuation bytes left at the start by a byte-level cut. */
function decodeFromBoundary(bytes: Buffer): string {
  let start = 0;
  while (start < bytes.length && start < 4 && (bytes[start] & 0xc0) === 0x80) start++;
  return bytes.subarray(start).toString('utf8');
}
