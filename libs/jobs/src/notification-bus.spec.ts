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

  it('hears what is published although it subscribed while its connection was still starting', async () => {
    // The handshake's answers come late: the subscription is asked for in the middle of it.
    link.delayMs = 300;
    const bus = new RedisNotificationBus(url, prefix);
    await sleep(150);
    const received: string[] = [];
    bus.subscribe('tenant-changed', ({ tenantId }) => {
      received.push(tenantId);
    });
    const heard = (tenantId: string) =>
      until(() => {
        void publisher.publish('tenant-changed', { tenantId });
        return received.includes(tenantId);
      }, 5_000);
    expect(await heard('a')).toBe(true);
    // Still listening a while later, on the connection it started with: it was not dropped for a
    // failed ready check and started again.
    await sleep(1_000);
    expect(await heard('b')).toBe(true);
    await bus.close();
    expect(link.connections).toBe(2);
  }, 20_000);

  it('after an outage subscribes again and has its subscribers reload what they missed', async () => {
    const bus = new RedisNotificationBus(url, prefix);
    const received: string[] = [];
    let outages = 0;
    bus.subscribe('tenant-changed', ({ tenantId }) => {
      received.push(tenantId);
    });
    bus.afterOutage(() => {
      outages += 1;
    });
    expect(
      await until(() => {
        void publisher.publish('tenant-changed', { tenantId: 'before' });
        return received.includes('before');
      }, 5_000),
    ).toBe(true);
    expect(outages).toBe(0);

    link.cut();
    await sleep(300);
    await publisher.publish('tenant-changed', { tenantId: 'during' });
    link.restore();

    expect(await until(() => outages === 1, 10_000)).toBe(true);
    expect(
      await until(() => {
        void publisher.publish('tenant-changed', { tenantId: 'after' });
        return received.includes('after');
      }, 5_000),
    ).toBe(true);
    await bus.close();
    // What was published while the link was down never arrived: the outage handler is what catches up.
    expect(received).not.toContain('during');
    expect(outages).toBe(1);
  }, 30_000);

  it('has its subscribers reload when Redis answered only after the start', async () => {
    // The instance loads its tenants from the database while the bus cannot hear yet.
    link.cut();
    const bus = new RedisNotificationBus(url, prefix);
    const received: string[] = [];
    let outages = 0;
    bus.subscribe('tenant-changed', ({ tenantId }) => {
      received.push(tenantId);
    });
    bus.afterOutage(() => {
      outages += 1;
    });
    await sleep(500);
    link.restore();
    expect(await until(() => outages === 1, 10_000)).toBe(true);
    expect(
      await until(() => {
        void publisher.publish('tenant-changed', { tenantId: 'first' });
        return received.includes('first');
      }, 5_000),
    ).toBe(true);
    await bus.close();
    expect(outages).toBe(1);
  }, 30_000);
});
