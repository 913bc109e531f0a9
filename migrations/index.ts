import { Foundation1795305600000 } from './1795305600000-foundation';
import { AuditRevisionOnce1795305600001 } from './1795305600001-audit-revision-once';
import { Sessions1795305600002 } from './1795305600002-sessions';
import { Catalog1795305600003 } from './1795305600003-catalog';
import { Applications1795305600004 } from './1795305600004-applications';
import { Staff1795305600005 } from './1795305600005-staff';
import { Citizens1795305600006 } from './1795305600006-citizens';
import { Workflow1795305600007 } from './1795305600007-workflow';
import { Payments1795305600008 } from './1795305600008-payments';
import { Documents1795305600009 } from './1795305600009-documents';
import { Messaging1795305600010 } from './1795305600010-messaging';
import { DatabaseRole1795305600011 } from './1795305600011-database-role';
import { WorkflowEffects1795305600012 } from './1795305600012-workflow-effects';
import { Casework1795305600013 } from './1795305600013-casework';
import { StaffTotp1795305600014 } from './1795305600014-staff-totp';
import { Decisions1795305600015 } from './1795305600015-decisions';
import { Deliveries1795305600016 } from './1795305600016-deliveries';
import { Retention1795305600017 } from './1795305600017-retention';
import { Operations1795305600018 } from './1795305600018-operations';
import { OperationsMonitoring1795305600019 } from './1795305600019-operations-monitoring';
import { Appointments1795305600020 } from './1795305600020-appointments';
import { BarrierReports1795305600021 } from './1795305600021-barrier-reports';
import { TenantSyncFingerprints1795305600022 } from './1795305600022-tenant-sync-fingerprints';

/** Every schema migration, oldest first. */
export const MIGRATIONS = [
  Foundation1795305600000,
  AuditRevisionOnce1795305600001,
  Sessions1795305600002,
  Catalog1795305600003,
  Applications1795305600004,
  Staff1795305600005,
  Citizens1795305600006,
  Workflow1795305600007,
  Payments1795305600008,
  Documents1795305600009,
  Messaging1795305600010,
  DatabaseRole1795305600011,
  WorkflowEffects1795305600012,
  Casework1795305600013,
  StaffTotp1795305600014,
  Decisions1795305600015,
  Deliveries1795305600016,
  Retention1795305600017,
  Operations1795305600018,
  OperationsMonitoring1795305600019,
  Appointments1795305600020,
  BarrierReports1795305600021,
  TenantSyncFingerprints1795305600022,
];
