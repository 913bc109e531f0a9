import { Server, Socket, connect, createServer } from 'node:net';
import { TEST_SETTINGS } from './test-settings';

/**
 * Redis behind a slow or broken network: answers arrive `delayMs` late, those of that time
 * together, and `cut()` drops every connection and refuses new ones until `restore()`.
 */
export class RedisLink {
  delayMs = 0;
  /** Connections accepted: one for each start and each reconnect of a client. */
  connections = 0;
  private server!: Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private open = true;

  /** Starts the link to the Redis at `url`, and gives the URL through it. */
  async start(url = TEST_SETTINGS.redisUrl): Promise<string> {
    const target = new URL(url);
    this.server = createServer((client) => {
      if (!this.open) return void client.destroy();
      this.connections += 1;
      const redis = connect(Number(target.port || 6379), target.hostname);
      this.sockets.add(client).add(redis);
      client.on('error', () => redis.destroy());
      redis.on('error', () => client.destroy());
      client.on('close', () => {
        this.sockets.delete(client);
        redis.destroy();
      });
      client.on('data', (chunk) => redis.write(chunk));
      // Answers are held back and sent on together, as a slow network delivers them: in one read.
      // Redis closing (after QUIT, say) closes the client once what it answered is through.
      let held: Buffer[] = [];
      let closed = false;
      const flush = () => {
        if (held.length && client.writable) client.write(Buffer.concat(held));
        held = [];
        if (closed) client.end();
      };
      redis.on('data', (chunk: Buffer) => {
        if (!this.delayMs) return void client.write(chunk);
        held.push(chunk);
        if (held.length > 1) return;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          flush();
        }, this.delayMs);
        this.timers.add(timer);
      });
      redis.on('close', () => {
        this.sockets.delete(redis);
        closed = true;
        if (!held.length) flush();
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    return `redis://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  }

  cut(): void {
    this.open = false;
    for (const socket of this.sockets) socket.destroy();
  }

  restore(): void {
    this.open = true;
  }

  stop(): Promise<void> {
    this.cut();
    for (const timer of this.timers) clearTimeout(timer);
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
