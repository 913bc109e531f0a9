import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig, projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { MessagingModule } from '@openrathaus/messaging';
import { TenancyModule } from '@openrathaus/tenancy';
import { DataSource } from 'typeorm';
import { CitizenAccountEntity } from './citizen-account.entity';
import { CitizenAccountsRepository } from './citizen-accounts.repository';
import { CitizenAccounts } from './citizen-accounts.service';
import { CITIZEN_MAILER, MessagingCitizenMailer } from './citizen-mailer.port';
import { CitizenRealms } from './citizen-realms.service';
import { CitizenSessions } from './citizen-sessions.service';
import { CitizenThrottleRepository } from './citizen-throttle.repository';
import { CitizenThrottle } from './citizen-throttle.service';
import { CitizenTokenEntity } from './citizen-token.entity';
import { CitizenTokensRepository } from './citizen-tokens.repository';
import { IdentityStepUp } from './identity-step-up.service';
import { PasswordHasher } from './password-hash';
import { PostgresSessionStore } from './postgres-session.store';
import { RedisSessionStore } from './redis-session.store';
import { SESSION_STORE, SessionStore } from './session-store.port';
import { StaffAccountEntity } from './staff-account.entity';
import { StaffAccountsRepository } from './staff-accounts.repository';
import { StaffAdministration } from './staff-administration.service';
import { StaffAccounts } from './staff.service';

export const IDENTITY_ENTITIES = [StaffAccountEntity, CitizenAccountEntity, CitizenTokenEntity];

/**
 * Accounts and sessions of staff and citizens; sessions live in Redis, or in the `sessions` table
 * where there is no Redis. Citizen mails go through {@link CITIZEN_MAILER},
 * bound to Messaging (queued with the token, sent by the worker).
 */
@Module({
  imports: [
    TenancyModule,
    MessagingModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'identity', 'locales') }),
  ],
  providers: [
    PasswordHasher,
    CitizenAccountsRepository,
    CitizenTokensRepository,
    CitizenThrottleRepository,
    StaffAccountsRepository,
    StaffAccounts,
    StaffAdministration,
    CitizenRealms,
    CitizenThrottle,
    CitizenSessions,
    CitizenAccounts,
    IdentityStepUp,
    { provide: CITIZEN_MAILER, useClass: MessagingCitizenMailer },
    {
      provide: SESSION_STORE,
      inject: [APP_CONFIG, DataSource],
      useFactory: (config: AppConfig, dataSource: DataSource): SessionStore =>
        config.redisUrl
          ? new RedisSessionStore(config.redisUrl, config.queuePrefix)
          : new PostgresSessionStore(dataSource),
    },
  ],
  exports: [
    StaffAccounts,
    StaffAdministration,
    CitizenRealms,
    CitizenSessions,
    CitizenAccounts,
    IdentityStepUp,
    CITIZEN_MAILER,
    SESSION_STORE,
    PasswordHasher,
  ],
})
export class IdentityModule {}
