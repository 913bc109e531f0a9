import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { MessagingModule } from '@openrathaus/messaging';
import { TenancyModule } from '@openrathaus/tenancy';
import { CitizenAccountEntity } from './citizen-account.entity';
import { CitizenAccounts } from './citizen-accounts.service';
import { CITIZEN_MAILER, MessagingCitizenMailer } from './citizen-mailer.port';
import { CitizenRealms } from './citizen-realms.service';
import { CitizenSessions } from './citizen-sessions.service';
import { CitizenThrottle } from './citizen-throttle.service';
import { CitizenTokenEntity } from './citizen-token.entity';
import { IdentityStepUp } from './identity-step-up.service';
import { PasswordHasher } from './password-hash';
import { StaffAccountEntity } from './staff-account.entity';
import { StaffAccounts } from './staff.service';

export const IDENTITY_ENTITIES = [StaffAccountEntity, CitizenAccountEntity, CitizenTokenEntity];

/**
 * Accounts and sessions of staff and citizens. Citizen mails go through {@link CITIZEN_MAILER},
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
    StaffAccounts,
    CitizenRealms,
    CitizenThrottle,
    CitizenSessions,
    CitizenAccounts,
    IdentityStepUp,
    { provide: CITIZEN_MAILER, useClass: MessagingCitizenMailer },
  ],
  exports: [StaffAccounts, CitizenRealms, CitizenSessions, CitizenAccounts, IdentityStepUp, CITIZEN_MAILER],
})
export class IdentityModule {}
