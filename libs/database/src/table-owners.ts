/**
 * Every table of the database and the one lib that owns it: only that lib's code names the table,
 * in SQL or in an entity; every other lib asks the owner, passing its open `TenantScope`.
 * `table-owners.spec.ts` checks the code and `docs/architecture.md` against this list, and the
 * migrations against it, so a new table cannot land without an owner.
 */
export const TABLE_OWNERS = {
  // platform
  tenants: 'tenancy',
  tenant_domains: 'tenancy',
  tenant_sync_fingerprints: 'tenancy',
  audit_log: 'database',
  typeorm_migrations: 'database',
  outbox: 'jobs',
  notifications: 'jobs',
  'bullmq.*': 'jobs',
  instances: 'observability',
  // features
  process_definitions: 'catalog',
  tenant_services: 'catalog',
  definition_usage: 'catalog',
  applications: 'applications',
  attachments: 'applications',
  application_counters: 'applications',
  application_counts: 'applications',
  application_terms: 'applications',
  staff_accounts: 'identity',
  citizen_accounts: 'identity',
  citizen_tokens: 'identity',
  citizen_throttle: 'identity',
  sessions: 'identity',
  payments: 'payments',
  payment_sandbox_transactions: 'payments',
  signing_keys: 'documents',
  documents: 'documents',
  mails: 'messaging',
  mailbox_messages: 'messaging',
  captured_mails: 'messaging',
  workflow_effects: 'workflow',
  case_notes: 'backoffice',
  barrier_reports: 'backoffice',
  deliveries: 'delivery',
  operator_accounts: 'operations',
  tenant_error_counts: 'operations',
  appointments: 'appointments',
  appointment_slots: 'appointments',
  appointment_closures: 'appointments',
} as const satisfies Record<string, string>;

export type OwnedTable = keyof typeof TABLE_OWNERS;
