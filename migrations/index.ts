import { Foundation1795305600000 } from './1795305600000-foundation';

/** Every schema migration, oldest first. */
export const MIGRATIONS = [Foundation1795305600000];
