import { Logger } from '@nestjs/common';
import { Client } from 'pg';
import { AppConfig } from '@openrathaus/core';
import { DatabaseError, DatabaseErrorCode } from './database.error';

/** Schemas whose tables and sequences the application role must not own. */
export const CHECKED_SCHEMAS = ['public', 'bullmq'];

/** What makes a role unfit to connect the application: row-level security would not hold it. */
export interface RoleInspection {
  role: string;
  superuser: boolean;
  bypassRls: boolean;
  /** Tables and sequences (`schema.name`) the role owns, directly or through a role it inherits. */
  owns: string[];
}

/** Looks at the role `url` connects as. */
export async function inspectDatabaseRole(url: string): Promise<RoleInspection> {
  const client = new Client({ connectionString: url, application_name: 'openrathaus-role-check' });
  await client.connect();
  try {
    const { rows } = await client.query<{ role: string; superuser: boolean; bypass: boolean; owns: string[] }>(
      `select r.rolname as role, r.rolsuper as superuser, r.rolbypassrls as bypass,
              array(select n.nspname || '.' || c.relname
                      from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = any($1::text[]) and c.relkind in ('r', 'p', 'S')
                       and pg_has_role(r.oid, c.relowner, 'USAGE')
                     order by 1) as owns
         from pg_roles r where r.rolname = current_user`,
      [CHECKED_SCHEMAS],
    );
    const row = rows[0];
    return { role: row.role, superuser: row.superuser, bypassRls: row.bypass, owns: row.owns };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The problems of an inspected role, in words; empty when it is fit. */
export function roleProblems(inspection: RoleInspection): string[] {
  const problems: string[] = [];
  if (inspection.superuser) problems.push('is superuser');
  if (inspection.bypassRls) problems.push('has BYPASSRLS');
  if (inspection.owns.length) {
    const named = inspection.owns.slice(0, 3).join(', ');
    const more = inspection.owns.length > 3 ? ` and ${inspection.owns.length - 3} more` : '';
    problems.push(`owns ${named}${more}`);
  }
  return problems;
}

/**
 * Checks the role the application connects as (`DATABASE_URL`). Row-level security is the second
 * wall between tenants only for a role that is neither superuser, nor BYPASSRLS, nor owner of the
 * tables: in production such a role refuses the start; elsewhere it is a warning. The embedded
 * database has only its superuser, by design, and is not checked.
 */
export async function checkDatabaseRole(config: AppConfig, logger = new Logger('Database')): Promise<void> {
  if (config.embedded || !config.databaseUrl) return;
  const inspection = await inspectDatabaseRole(config.databaseUrl);
  const problems = roleProblems(inspection);
  if (!problems.length) return;
  const detail =
    `The database role "${inspection.role}" (DATABASE_URL) ${problems.join(', ')}: ` +
    'row-level security would not separate the tenants. Connect as the application role ' +
    '(openrathaus_app) and keep the owner in DATABASE_OWNER_URL.';
  if (config.env === 'production') {
    throw new DatabaseError(DatabaseErrorCode.UnsafeRole, { role: inspection.role, problems }, detail);
  }
  logger.warn(detail);
}
