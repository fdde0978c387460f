import { PGLiteSocketHandler } from '@electric-sql/pglite-socket';

const PROTOCOL_VERSION_3 = 196608;
/** Messages that end what a client sends in one go: Sync (extended protocol), Query (simple), Flush, Terminate. */
const BATCH_ENDS = new Set(['S', 'Q', 'H', 'X']);

interface HandlerInternals {
  socket: { writable: boolean; write(data: Buffer): boolean } | null;
  active: boolean;
  id: number;
  messageBuffer: Buffer;
  queryQueue: { enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> };
  handleSslRequest(): boolean;
  handleCancelRequest(): boolean;
  startupSeen?: boolean;
  pendingBatch?: Buffer[];
}

/**
 * PGlite has one session for every client of the socket server, and the server queues single wire messages.
 * Two clients using the extended protocol then interleave Parse/Bind of the session's one unnamed statement
 * ("bind message supplies 1 parameters, but prepared statement requires 3"). Handing PGlite each client's
 * messages up to its Sync as one unit keeps every request whole.
 */
export function batchMessagesUntilSync(): void {
  const proto = PGLiteSocketHandler.prototype as unknown as { handleData(this: HandlerInternals, data: Buffer): Promise<number> };
  proto.handleData = async function handleData(this: HandlerInternals, data: Buffer): Promise<number> {
    if (!this.socket || !this.active) return 0;
    this.messageBuffer = Buffer.concat([this.messageBuffer, data]);
    this.pendingBatch ??= [];
    let written = 0;
    while (this.messageBuffer.length > 0) {
      if (!this.startupSeen && (this.handleSslRequest() || this.handleCancelRequest())) continue;
      const buffer = this.messageBuffer;
      const isStartup = !this.startupSeen && buffer.length >= 8 && buffer.readInt32BE(4) === PROTOCOL_VERSION_3;
      const length = isStartup ? buffer.readInt32BE(0) : buffer.length >= 5 ? 1 + buffer.readInt32BE(1) : 0;
      if (length === 0 || buffer.length < length) break;
      const message = buffer.subarray(0, length);
      this.messageBuffer = buffer.subarray(length);
      this.pendingBatch.push(message);
      if (isStartup) this.startupSeen = true;
      if (!isStartup && !BATCH_ENDS.has(String.fromCharCode(message[0]))) continue;
      const batch = Buffer.concat(this.pendingBatch);
      this.pendingBatch = [];
      await this.queryQueue.enqueue(this.id, new Uint8Array(batch), (out) => {
        if (out.length > 0 && this.socket?.writable && this.active) this.socket.write(Buffer.from(out));
        written += out.length;
      });
    }
    return written;
  };
}
