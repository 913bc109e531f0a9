import { LoadShedder } from './load-shedding';

describe('load shedding', () => {
  it('admits up to the bound of requests in progress, refuses the next and admits again once one is done', () => {
    const shedder = new LoadShedder({ maxInFlight: 2, maxEventLoopDelayMs: 0 });
    const first = shedder.admit();
    const second = shedder.admit();
    expect('release' in first && 'release' in second).toBe(true);
    expect(shedder.admit()).toEqual({ retryAfter: 2 });
    if ('release' in first) {
      first.release();
      // Released twice (the socket closes after the answer): counted once.
      first.release();
    }
    expect(shedder.state).toEqual({ inFlight: 1, delayMs: 0, refused: 1 });
    expect('release' in shedder.admit()).toBe(true);
    expect(shedder.admit()).toEqual({ retryAfter: 2 });
  });

  it('refuses while the event loop runs late, longer the later it is, and admits once it caught up', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 500 });
    shedder.observeDelay(400);
    expect('release' in shedder.admit()).toBe(true);
    shedder.observeDelay(800);
    expect(shedder.admit()).toEqual({ retryAfter: 2 });
    shedder.observeDelay(5000);
    expect(shedder.admit()).toEqual({ retryAfter: 10 });
    shedder.observeDelay(60_000);
    expect(shedder.admit()).toEqual({ retryAfter: 30 });
    shedder.observeDelay(10);
    expect('release' in shedder.admit()).toBe(true);
  });

  it('with no bounds admits everything', () => {
    const shedder = new LoadShedder({ maxInFlight: 0, maxEventLoopDelayMs: 0 });
    shedder.observeDelay(60_000);
    for (let i = 0; i < 1000; i++) expect('release' in shedder.admit()).toBe(true);
  });
});
