import { Logger } from '@nestjs/common';
import type { PGlite } from '@electric-sql/pglite';

const logger = new Logger('EmbeddedPostgres');

interface Pending {
  handlerId: number;
  message: Uint8Array;
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

const SYNC = 0x53;
const QUERY = 0x51;
const TERMINATE = 0x58;

/**
 * Feeds the messages of many connections to the one PGlite session without mixing them. PGlite's
 * socket server interleaves connections message by message, which splits an extended-protocol
 * exchange (Parse, Bind, Execute, Sync) of one client with another's ("bind message supplies 13
 * parameters, but prepared statement requires 2"). Here a connection keeps the session from its
 * first message until it ends an exchange (Sync or a simple Query) outside a transaction.
 */
export class ProtocolQueue {
  private readonly queue: Pending[] = [];
  private processing = false;
  private owner: number | null = null;
  /** The message PGlite is executing now, and whether its connection went away meanwhile. */
  private running: { handlerId: number; closed: boolean } | null = null;

  constructor(private readonly db: PGlite) {}

  enqueue(handlerId: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queue.push({ handlerId, message, onData, resolve, reject });
      void this.process();
    });
  }

  getQueueLength(): number {
    return this.queue.length;
  }

  clearQueueForHandler(handlerId: number): void {
    if (this.running?.handlerId === handlerId) this.running.closed = true;
    for (let i = this.queue.length - 1; i >= 0; i--) {
      if (this.queue[i].handlerId === handlerId) this.queue.splice(i, 1)[0].reject(new Error('Handler disconnected'));
    }
  }

  /** Ends what a closed connection left open; never rejects (the socket server does not wait for it). */
  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.owner !== handlerId) return;
    try {
      if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    } catch (error) {
      logger.warn({ err: error }, 'rollback after a closed connection failed');
    }
    this.owner = null;
    await this.process();
  }

  /** Runs the queue; never rejects: each message's failure goes to its own sender. */
  private async process(): Promise<void> {
    if (this.processing) return;
    this.processing = true;
    try {
      for (;;) {
        const index = this.owner === null ? 0 : this.queue.findIndex((p) => p.handlerId === this.owner);
        if (index < 0 || this.queue.length === 0) break;
        const item = this.queue.splice(index, 1)[0];
        const running = { handlerId: item.handlerId, closed: false };
        this.running = running;
        let bytes = 0;
        let failed = false;
        let failure: unknown;
        try {
          await this.db.runExclusive(() =>
            this.db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (error) {
          failed = true;
          failure = error;
        }
        this.running = null;
        // After an error too, the client keeps the session until its Sync: PostgreSQL skips to it.
        const type = item.message[0];
        const startup = type === 0 && item.message.length >= 8;
        const ends = startup || type === SYNC || type === QUERY || type === TERMINATE;
        this.owner = ends && !this.db.isInTransaction() ? null : item.handlerId;
        if (running.closed && this.owner === item.handlerId) {
          // The connection went away while its message ran: end what it left open.
          try {
            if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
          } catch (error) {
            logger.warn({ err: error }, 'rollback after a closed connection failed');
          }
          this.owner = null;
        }
        if (failed) item.reject(failure);
        else item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }
}
