import { Foundation1795305600000 } from './1795305600000-foundation';
import { AuditRevisionOnce1795305600001 } from './1795305600001-audit-revision-once';

/** Every schema migration, oldest first. */
export const MIGRATIONS = [Foundation1795305600000, AuditRevisionOnce1795305600001];
