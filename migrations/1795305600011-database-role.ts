import { MigrationInterface, QueryRunner } from 'typeorm';

const APP_ROLE = 'openrathaus_app';

interface RoleRow {
  rolsuper: boolean;
  rolbypassrls: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
}

/**
 * The application role as row-level security needs it, even where it existed before the
 * migrations (created by hand or by an init script): no superuser, no BYPASSRLS, no CREATEDB, no
 * CREATEROLE. And the platform tables `tenants` and `tenant_domains` become read-only for it; only
 * the columns a catalogue change raises stay writable (its service-list hash and the revision).
 */
export class DatabaseRole1795305600011 implements MigrationInterface {
  name = 'DatabaseRole1795305600011';

  async up(q: QueryRunner): Promise<void> {
    const [role] = (await q.query(
      `select rolsuper, rolbypassrls, rolcreatedb, rolcreaterole from pg_roles where rolname = $1`,
      [APP_ROLE],
    )) as RoleRow[];
    if (role) await fixAttributes(q, role);
    await q.query(`revoke insert, update, delete, truncate on public.tenants, public.tenant_domains from ${APP_ROLE}`);
    // A catalogue change (a sync's step, or the worker's catalog.resolve job) writes the tenant's service
    // list as the application role and raises the revision that makes every instance reload it.
    await q.query(`grant update (services_state, revision, updated_at) on public.tenants to ${APP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`revoke update (services_state, revision, updated_at) on public.tenants from ${APP_ROLE}`);
    await q.query(`grant insert, update, delete on public.tenants, public.tenant_domains to ${APP_ROLE}`);
  }
}

/** Alters only what is wrong: naming SUPERUSER or BYPASSRLS at all needs a superuser. */
async function fixAttributes(q: QueryRunner, role: RoleRow): Promise<void> {
  const clauses: string[] = [];
  if (role.rolsuper) clauses.push('nosuperuser');
  if (role.rolbypassrls) clauses.push('nobypassrls');
  if (role.rolcreatedb) clauses.push('nocreatedb');
  if (role.rolcreaterole) clauses.push('nocreaterole');
  if (!clauses.length) return;
  const [me] = (await q.query(`select current_user as name, rolsuper from pg_roles where rolname = current_user`)) as {
    name: string;
    rolsuper: boolean;
  }[];
  if ((role.rolsuper || role.rolbypassrls) && !me.rolsuper) {
    const what = [role.rolsuper && 'SUPERUSER', role.rolbypassrls && 'BYPASSRLS'].filter(Boolean).join(' and ');
    throw new Error(
      `The application role ${APP_ROLE} has ${what}, so row-level security would not hold it. Only a superuser ` +
        `may take that away, and ${me.name}, who migrates, is none. As a superuser run ` +
        `"ALTER ROLE ${APP_ROLE} ${clauses.join(' ').toUpperCase()}", then migrate again.`,
    );
  }
  await q.query(`alter role ${APP_ROLE} ${clauses.join(' ')}`);
}
