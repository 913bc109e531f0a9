import { storeUnavailable } from './store-unavailable';

describe('a database or Redis away for a moment', () => {
  const wrapped = (driverError: object) => Object.assign(new Error('query failed'), { driverError });

  it.each([
    ['PostgreSQL shutting down', wrapped({ code: '57P01' })],
    ['PostgreSQL starting up', { code: '57P03', message: 'the database system is starting up' }],
    ['a broken connection (class 08)', wrapped({ code: '08006' })],
    ['no connections left', { code: '53300' }],
    ['a refused connection', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly')],
    ['pg: pool timeout', new Error('timeout exceeded when trying to connect')],
    ['ioredis: closed', new Error('Connection is closed.')],
    ['a cause', new Error('outer', { cause: { code: 'ECONNRESET' } })],
    [
      'TypeORM: the runner was released under the query',
      Object.assign(new Error('Query runner already released.'), { name: 'QueryRunnerAlreadyReleasedError' }),
    ],
    [
      'PostgreSQL: terminating connection',
      wrapped({ code: '57P01', message: 'terminating connection due to administrator command' }),
    ],
  ])('is %s', (_what, error) => expect(storeUnavailable(error)).toBe(true));

  it.each([
    ['a unique violation', wrapped({ code: '23505' })],
    ['a syntax error', { code: '42601' }],
    ['a plain error', new Error('boom')],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('is not %s', (_what, error) => expect(storeUnavailable(error)).toBe(false));
});
