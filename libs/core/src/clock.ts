/** Time source; tests pass a fixed clock instead of reading the system time. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * The system time, moved by an offset that only tests change: what time does to a feature
 * (reminders a day ahead, holds that run out) is seen without waiting. At offset nought it is the
 * system clock.
 */
export class MovableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** Moves the clock forward (or back, with a negative amount). */
  moveBy(ms: number): void {
    this.offsetMs += ms;
  }

  /** Sets the clock to read `at` now. */
  setTo(at: Date): void {
    this.offsetMs = at.getTime() - Date.now();
  }
}
