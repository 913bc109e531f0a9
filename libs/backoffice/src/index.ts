export * from './backoffice.module';
export * from './case-notes.repository';
