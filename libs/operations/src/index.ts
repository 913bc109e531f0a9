export * from './operations.error';
export * from './operations.module';
export * from './operator-session';
export * from './operator-accounts.service';
