import { Module } from '@nestjs/common';
import { StaffAccountEntity } from './staff-account.entity';
import { StaffAccounts } from './staff.service';

export const IDENTITY_ENTITIES = [StaffAccountEntity];

/** Accounts and sessions (staff for now; citizens follow). */
@Module({
  providers: [StaffAccounts],
  exports: [StaffAccounts],
})
export class IdentityModule {}
