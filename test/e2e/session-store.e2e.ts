import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { APP_CONFIG, AppConfig, CoreModule } from '@openrathaus/core';
import { DATABASE_ENTITIES, DatabaseModule, migrateQueueStore } from '@openrathaus/database';
import {
  IDENTITY_ENTITIES,
  IdentityModule,
  PostgresSessionStore,
  RedisSessionStore,
  SESSION_STORE,
  SessionStore,
} from '@openrathaus/identity';
import { JobsModule } from '@openrathaus/jobs';
import { MESSAGING_ENTITIES } from '@openrathaus/messaging';
import { TENANCY_ENTITIES } from '@openrathaus/tenancy';
import { TestDatabase, createTestDatabase, testConfig } from '@openrathaus/testing';
import { DataSource } from 'typeorm';
import { eventually } from '../support';

describe.each([
  ['redis', true],
  ['postgres', false],
])('the session store on %s', (_backend, withRedis) => {
  let db: TestDatabase;
  let app: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    if (!withRedis) await migrateQueueStore(db.ownerUrl);
    const config = testConfig(db, withRedis ? {} : { redisUrl: undefined });
    app = await NestFactory.createApplicationContext(
      {
        module: class SessionStoreTestModule {},
        imports: [
          CoreModule.forRoot(config),
          DatabaseModule.forRoot({
            entities: [...DATABASE_ENTITIES, ...TENANCY_ENTITIES, ...IDENTITY_ENTITIES, ...MESSAGING_ENTITIES],
          }),
          JobsModule.forRoot({ runWorkers: false }),
          IdentityModule,
        ],
      },
      { logger: false },
    );
    await app.init();
  });

  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('is the one the configuration asks for', () => {
    expect(app.get(SESSION_STORE)).toBeInstanceOf(withRedis ? RedisSessionStore : PostgresSessionStore);
  });

  it('keeps sessions where every instance finds them, until they expire or are destroyed', async () => {
    const mine = app.get<SessionStore>(SESSION_STORE);
    const config = app.get<AppConfig>(APP_CONFIG);
    const other: SessionStore = withRedis
      ? new RedisSessionStore(config.redisUrl!, config.queuePrefix)
      : new PostgresSessionStore(app.get(DataSource));

    await mine.set('s1', { citizen: 'c-1' }, 3600);
    expect(await other.get('s1')).toEqual({ citizen: 'c-1' });
    await mine.set('s1', { citizen: 'c-1', step: 2 }, 3600);
    expect(await other.get('s1')).toEqual({ citizen: 'c-1', step: 2 });
    await other.destroy('s1');
    expect(await mine.get('s1')).toBeUndefined();
    expect(await mine.get('never-written')).toBeUndefined();

    await mine.set('s2', { citizen: 'c-2' }, 1);
    expect(await other.get('s2')).toEqual({ citizen: 'c-2' });
    await eventually(async () => (await other.get('s2')) === undefined, 5000);
    await other.close();
  });
});
