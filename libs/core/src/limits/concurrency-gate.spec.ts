import { CoreError, CoreErrorCode } from '../errors/core.error';
import { ConcurrencyGate } from './concurrency-gate';

describe('ConcurrencyGate', () => {
  it('runs at most its concurrency at once, lets a bounded line wait and refuses the rest', async () => {
    const gate = new ConcurrencyGate('test', 2, 1);
    const release: (() => void)[] = [];
    let peak = 0;
    let now = 0;
    const task = () =>
      gate.run(async () => {
        now++;
        peak = Math.max(peak, now);
        await new Promise<void>((r) => release.push(r));
        now--;
        return 'done';
      });
    const a = task();
    const b = task();
    const c = task();
    await expect(task()).rejects.toEqual(new CoreError(CoreErrorCode.Busy, { what: 'test' }));
    expect(gate.load).toEqual({ running: 2, waiting: 1 });
    while (release.length < 2) await new Promise((r) => setImmediate(r));
    release.shift()!();
    await a;
    while (release.length < 2) await new Promise((r) => setImmediate(r));
    release.splice(0).forEach((r) => r());
    await expect(Promise.all([b, c])).resolves.toEqual(['done', 'done']);
    expect(peak).toBe(2);
    expect(gate.load).toEqual({ running: 0, waiting: 0 });
  });

  it('frees its slot when a task fails', async () => {
    const gate = new ConcurrencyGate('test', 1, 0);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(() => Promise.resolve(1))).resolves.toBe(1);
  });
});
