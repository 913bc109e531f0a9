/** When an instance counts as saturated. */
export interface ShedLimits {
  /** Requests in progress at once; the next is refused. 0: no bound. */
  maxInFlight: number;
  /** How late the event loop may run its timers; beyond, new requests are refused. 0: no bound. */
  maxEventLoopDelayMs: number;
}

/** How often the event loop's delay is sampled. */
const SAMPLE_MS = 100;

/**
 * Refuses work the instance cannot do in time, so that a flood (a new service opening at 8:00)
 * gets a quick 503 with `Retry-After` instead of every request waiting until it times out: a
 * bound on requests in progress, and on how late the event loop runs (a loop that is late is a
 * core that is full). What it admits it counts until the answer is done.
 */
export class LoadShedder {
  private inFlight = 0;
  private delayMs = 0;
  private refused = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly limits: ShedLimits) {}

  /** Samples the event loop's delay from now on; the timer keeps no process alive. */
  start(): void {
    if (this.timer || !this.limits.maxEventLoopDelayMs) return;
    let expected = performance.now() + SAMPLE_MS;
    this.timer = setInterval(() => {
      const now = performance.now();
      this.observeDelay(Math.max(0, now - expected));
      expected = now + SAMPLE_MS;
    }, SAMPLE_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The latest delay of the event loop, in milliseconds (the sampler's, or a test's). */
  observeDelay(ms: number): void {
    this.delayMs = ms;
  }

  /**
   * Admits a request (undefined; call the returned release once it is answered) or refuses it
   * with the seconds after which to try again.
   */
  admit(): { release: () => void } | { retryAfter: number } {
    const { maxInFlight, maxEventLoopDelayMs } = this.limits;
    if (maxEventLoopDelayMs && this.delayMs > maxEventLoopDelayMs) {
      this.refused++;
      // Later the more behind the loop is: a client that waits this long finds it caught up.
      return { retryAfter: Math.min(30, Math.max(2, Math.ceil((2 * this.delayMs) / 1000))) };
    }
    if (maxInFlight && this.inFlight >= maxInFlight) {
      this.refused++;
      return { retryAfter: 2 };
    }
    this.inFlight++;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.inFlight--;
      },
    };
  }

  /** Requests in progress, the latest delay and how many were refused so far. */
  get state(): { inFlight: number; delayMs: number; refused: number } {
    return { inFlight: this.inFlight, delayMs: this.delayMs, refused: this.refused };
  }
}
