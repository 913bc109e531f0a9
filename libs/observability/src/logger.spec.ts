import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import { PinoNestLogger } from './logger';

/** The JSON lines a PinoNestLogger writes, through Nest's Logger as the code calls it. */
function capture(): { lines: () => Record<string, unknown>[]; nest: PinoNestLogger } {
  const written: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  const nest = new PinoNestLogger(pino({ level: 'trace', base: undefined, timestamp: false }, sink));
  Logger.overrideLogger(nest);
  const lines = () =>
    written
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { lines, nest };
}

describe('PinoNestLogger', () => {
  it('writes the message as msg, the fields beside it and the logging class as context', () => {
    const { lines } = capture();
    const logger = new Logger('NotificationBus');
    logger.warn({ channel: 'tenant-changed' }, 'subscription failed');
    logger.log('notification bus connected again');
    logger.log({ tenants: 3, changed: 1 }, 'tenants reloaded after a notification outage');
    expect(lines()).toEqual([
      { level: 40, context: 'NotificationBus', channel: 'tenant-changed', msg: 'subscription failed' },
      { level: 30, context: 'NotificationBus', msg: 'notification bus connected again' },
      {
        level: 30,
        context: 'NotificationBus',
        tenants: 3,
        changed: 1,
        msg: 'tenants reloaded after a notification outage',
      },
    ]);
  });

  it('keeps an error with its message, and a stack Nest hands over as the trace', () => {
    const { lines } = capture();
    const logger = new Logger('JobWorkers');
    logger.error({ err: new Error('connection terminated') }, 'job failed');
    logger.error('could not start', 'Error: could not start\n    at main');
    logger.error('no stack');
    const [fields, withStack, alone] = lines();
    expect(fields).toMatchObject({ level: 50, context: 'JobWorkers', msg: 'job failed' });
    expect(fields.err).toMatchObject({ type: 'Error', message: 'connection terminated' });
    expect(fields).not.toHaveProperty('trace');
    expect(withStack).toEqual({
      level: 50,
      context: 'JobWorkers',
      trace: 'Error: could not start\n    at main',
      msg: 'could not start',
    });
    expect(alone).toEqual({ level: 50, context: 'JobWorkers', msg: 'no stack' });
  });

  it('takes a context given directly, and an Error as the message', () => {
    const { lines, nest } = capture();
    nest.log('worker running', 'Worker');
    nest.error('failed before any context', 'Error: failed\n    at start');
    nest.warn(new Error('refused'), 'Mailer');
    const [running, failed, refused] = lines();
    expect(running).toEqual({ level: 30, context: 'Worker', msg: 'worker running' });
    expect(failed).toEqual({ level: 50, trace: 'Error: failed\n    at start', msg: 'failed before any context' });
    expect(refused).toMatchObject({ level: 40, context: 'Mailer', msg: 'refused', err: { message: 'refused' } });
  });

  it("writes Nest's start-up chatter at debug level", () => {
    const { lines } = capture();
    new Logger('RoutesResolver').log('AppController {/}:');
    expect(lines()).toEqual([{ level: 20, context: 'RoutesResolver', msg: 'AppController {/}:' }]);
  });
});
