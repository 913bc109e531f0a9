import { CoreError, CoreErrorCode } from '../errors/core.error';

/**
 * Lets at most `concurrency` tasks run at once and up to `queue` more wait for their turn; a task
 * beyond that is refused at once with {@link CoreErrorCode.Busy} (503 with Retry-After), so that a
 * flood of costly work (password hashes, uploads) waits in a bounded line instead of taking every
 * core and every byte of memory of the instance.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly what: string,
    private readonly concurrency: number,
    private readonly queue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new CoreError(CoreErrorCode.Busy, { what: this.what });
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // The slot passes to the next in line, or frees up.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Tasks running and waiting now. */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
