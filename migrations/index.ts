import { Foundation1795305600000 } from './1795305600000-foundation';
import { AuditRevisionOnce1795305600001 } from './1795305600001-audit-revision-once';
import { Sessions1795305600002 } from './1795305600002-sessions';
import { Catalog1795305600003 } from './1795305600003-catalog';
import { Applications1795305600004 } from './1795305600004-applications';
import { Staff1795305600005 } from './1795305600005-staff';

/** Every schema migration, oldest first. */
export const MIGRATIONS = [
  Foundation1795305600000,
  AuditRevisionOnce1795305600001,
  Sessions1795305600002,
  Catalog1795305600003,
  Applications1795305600004,
  Staff1795305600005,
];
