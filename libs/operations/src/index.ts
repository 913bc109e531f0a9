export * from './operations.error';
export * from './operations.module';
export * from './operator-accounts.service';
export * from './operator-session';
export * from './tenant-console.service';
export * from './tenant-defaults';
export * from './tenant-errors.service';
