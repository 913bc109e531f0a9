export * from './xdf-import';
