/** The wait before attempt `attempts + 1`: `base`, doubled with each attempt, at most `max`. */
export function retryDelayMs(attempts: number, base: number, max: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 40));
  return Math.min(max, base * 2 ** exponent);
}
