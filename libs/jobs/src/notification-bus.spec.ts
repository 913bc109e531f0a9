import { randomUUID } from 'node:crypto';
import { RedisLink, TEST_REDIS_URL } from '@openrathaus/testing';
import { RedisNotificationBus } from './notification-bus';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (check()) return true;
  return check();
}

describe('RedisNotificationBus', () => {
  let link: RedisLink;
  let url: string;
  let publisher: RedisNotificationBus;
  let prefix: string;

  beforeEach(async () => {
    link = new RedisLink();
    url = await link.start();
    prefix = `bus-${randomUUID()}`;
    publisher = new RedisNotificationBus(TEST_REDIS_URL, prefix);
  });

  afterEach(async () => {
    await publisher.close();
    await link.stop();
  });

  /** An instance's bus behind the link: what it heard, and how often it was told of an outage. */
  function listener(bus = new RedisNotificationBus(url, prefix)) {
    const heard: string[] = [];
    const state = { bus, heard, outages: 0 };
    bus.subscribe('tenant-changed', ({ tenantId }) => {
      heard.push(tenantId);
    });
    bus.afterOutage(() => {
      state.outages += 1;
    });
    return state;
  }

  /** Publishes `tenantId` again and again until the listener heard it (at most 5 s). */
  const hears = (state: { heard: string[] }, tenantId: string) =>
    until(() => {
      void publisher.publish('tenant-changed', { tenantId });
      return state.heard.includes(tenantId);
    }, 5_000);

  it('hears what is published although it subscribed while its connection was still starting', async () => {
    // The handshake's answers come late: the subscription is asked for in the middle of it.
    link.delayMs = 300;
    const bus = new RedisNotificationBus(url, prefix);
    await sleep(150);
    const instance = listener(bus);
    expect(await hears(instance, 'a')).toBe(true);
    // Still listening a while later, on the connection it started with: it was not dropped for a
    // failed ready check and started again.
    await sleep(1_000);
    expect(await hears(instance, 'b')).toBe(true);
    await bus.close();
    expect(link.connections).toBe(2);
    expect(instance.outages).toBe(0);
  }, 20_000);

  it('after an outage subscribes again and has its subscribers reload what they missed', async () => {
    const instance = listener();
    expect(await hears(instance, 'before')).toBe(true);
    expect(instance.outages).toBe(0);

    link.cut();
    await sleep(300);
    await publisher.publish('tenant-changed', { tenantId: 'during' });
    link.restore();

    expect(await until(() => instance.outages === 1, 10_000)).toBe(true);
    expect(await hears(instance, 'after')).toBe(true);
    await instance.bus.close();
    // What was published while the link was down never arrived: the outage handler is what catches up.
    expect(instance.heard).not.toContain('during');
    expect(instance.outages).toBe(1);
  }, 30_000);

  it('has its subscribers reload when Redis answered only after the start', async () => {
    // The instance loads its tenants from the database while the bus cannot hear yet.
    link.cut();
    const instance = listener();
    await sleep(500);
    link.restore();
    expect(await until(() => instance.outages === 1, 10_000)).toBe(true);
    expect(await hears(instance, 'first')).toBe(true);
    await instance.bus.close();
    expect(instance.outages).toBe(1);
  }, 30_000);

  it('runs a recovery that failed again until it succeeds', async () => {
    const instance = listener();
    expect(await hears(instance, 'before')).toBe(true);
    let tries = 0;
    instance.bus.afterOutage(() => {
      tries += 1;
      // The database is still away at the first try.
      if (tries === 1) throw new Error('database away');
    });
    link.cut();
    await sleep(300);
    link.restore();
    expect(await until(() => tries === 2, 10_000)).toBe(true);
    await sleep(2_500);
    await instance.bus.close();
    expect(tries).toBe(2);
    expect(instance.outages).toBe(1);
  }, 30_000);
});
