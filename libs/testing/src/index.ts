export * from './http';
export * from './tenant-files';
export * from './test-config';
export * from './test-database';
export * from './test-settings';
export * from './pdf-reading';
export * from './free-port';
export * from './pgbouncer';
