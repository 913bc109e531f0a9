export * from './identity.error';
export * from './identity.module';
export * from './staff-account.entity';
export * from './staff.service';
