import { resolve } from 'node:path';
import { INestApplicationContext, Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Command } from 'commander';
import { AppConfig, loadConfig } from '@openrathaus/core';
import { prepareDatabase } from '@openrathaus/database';
import { PinoNestLogger, createLogger } from '@openrathaus/observability';
import { TenantRegistry, TenantSync, formatFault, loadTenantDir } from '@openrathaus/tenancy';
import { CatalogError, CatalogService, checkCatalog, formatDefinitionFault } from '@openrathaus/catalog';
import { DocumentsError, SigningKeys } from '@openrathaus/documents';
import { IdentityError, StaffAccounts } from '@openrathaus/identity';
import { MIGRATIONS } from '@openrathaus/migrations';
import { CliModule } from './cli.module';
import { describeError, processCommands } from './process-commands';

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
}

/** Runs `work` with the platform's services; the database is prepared first and closed after. */
async function withApp<T>(config: AppConfig, work: (app: INestApplicationContext) => Promise<T>): Promise<T> {
  const database = await prepareDatabase(config, MIGRATIONS, { migrate: config.embedded });
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(database.config), { logger: false });
  try {
    return await work(app);
  } finally {
    await app.close();
    await database.stop();
  }
}

/** A tenant by slug, from the database. */
async function tenantNamed(app: INestApplicationContext, slug: string) {
  const registry = app.get(TenantRegistry);
  await registry.loadAll();
  return registry.get(slug);
}

/** The operator's command line. Returns the exit code instead of exiting, so tests can run it. */
export async function runCli(argv: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const config = loadConfig({ LOG_LEVEL: 'warn', ...env });
  Logger.overrideLogger(new PinoNestLogger(createLogger(config.logLevel)));
  let code = 0;
  const unknownTenant = (slug: string): void => {
    io.err(`--tenant: unknown tenant "${slug}" / unbekannter Mandant "${slug}"`);
    code = 1;
  };
  const program = new Command('openrathaus')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  const tenants = program.command('tenants').description('tenant configuration');
  tenants
    .command('validate [dir]')
    .description(
      'check every tenants/*/tenant.yaml and process definition; names file and field of each fault; exit 1 on any',
    )
    .action((dir?: string) => {
      const root = resolve(dir ?? config.tenantsDir);
      const loaded = loadTenantDir(root);
      const catalog = checkCatalog(root, loaded);
      const faults = loaded.flatMap((t) => t.faults);
      for (const fault of faults) io.err(formatFault(fault));
      for (const fault of [...catalog.definitionFaults, ...catalog.notes]) io.err(formatDefinitionFault(fault));
      io.out(
        `${loaded.length} tenants and ${catalog.definitions.length} process definitions checked, ` +
          `${faults.length + catalog.definitionFaults.length + catalog.notes.length} faults`,
      );
      code = faults.length || catalog.definitionFaults.length || catalog.notes.length ? 1 : 0;
    });
  tenants
    .command('sync [dir]')
    .description('validate, then create or update tenants and domains in the database')
    .action(async (dir?: string) => {
      const report = await withApp(config, (app) => app.get(TenantSync).sync(resolve(dir ?? config.tenantsDir)));
      for (const t of report.tenants) for (const f of t.faults) io.err(formatFault(f));
      for (const problem of report.problems) io.err(problem);
      for (const action of report.actions) io.out(action);
      io.out(
        `created ${report.created.length}, updated ${report.updated.length}, ` +
          `unchanged ${report.unchanged.length}, stopped ${report.stopped.length}` +
          (report.stopped.length ? ` (${report.stopped.join(', ')})` : ''),
      );
      code = report.stopped.length || report.problems.length ? 1 : 0;
    });
  tenants
    .command('list')
    .description('slug, kind, status, domains of every tenant')
    .action(async () => {
      await withApp(config, async (app) => {
        const registry = app.get(TenantRegistry);
        const catalog = app.get(CatalogService);
        await registry.loadAll();
        io.out(['slug', 'kind', 'status', 'services', 'domains'].join('\t'));
        for (const t of registry.all()) {
          const status = t.configError ? 'stopped' : t.status;
          const services = (await catalog.list(t)).length;
          io.out([t.slug, t.kind, status, String(services), t.domains.join(',')].join('\t'));
        }
      });
    });

  processCommands(
    program,
    io,
    (work) => withApp(config, work),
    (c) => (code = c),
  );

  program
    .command('staff')
    .description('staff accounts')
    .command('add')
    .description('create a staff account and print its one-time password')
    .requiredOption('--tenant <slug>', 'the tenant the account belongs to')
    .requiredOption('--email <email>', 'the e-mail address, used to log in')
    .requiredOption('--role <role>', 'caseworker, tenant-admin or operator')
    .action(async (options: { tenant: string; email: string; role: string }) => {
      const created = await withApp(config, async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return tenant && app.get(StaffAccounts).add(tenant.id, options.email, options.role);
      });
      if (!created) return unknownTenant(options.tenant);
      io.out(`created ${options.role} ${options.email.trim().toLowerCase()} for ${options.tenant}`);
      io.out(`one-time password: ${created.password}`);
    });

  const documents = program.command('documents').description('issued documents and the signing keys of tenants');
  documents
    .command('rotate-key')
    .description("retire a tenant's signing key and make a new one; what the old key signed still verifies")
    .requiredOption('--tenant <slug>', 'the tenant')
    .action(async (options: { tenant: string }) => {
      const key = await withApp(config, async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return tenant && app.get(SigningKeys).rotate(tenant.id);
      });
      if (!key) return unknownTenant(options.tenant);
      io.out(`new signing key ${key.id} for ${options.tenant}; the previous one still verifies what it signed`);
    });
  documents
    .command('keys')
    .description("list a tenant's signing keys, current and retired")
    .requiredOption('--tenant <slug>', 'the tenant')
    .action(async (options: { tenant: string }) => {
      const keys = await withApp(config, async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return tenant && app.get(SigningKeys).list(tenant.id);
      });
      if (!keys) return unknownTenant(options.tenant);
      for (const k of keys) {
        io.out(
          `${k.id}  ${k.createdAt.toISOString()}  ${k.retiredAt ? `retired ${k.retiredAt.toISOString()}` : 'current'}`,
        );
      }
    });

  program
    .command('db')
    .description('database')
    .command('migrate')
    .description('run pending migrations (as the schema owner, DATABASE_OWNER_URL)')
    .action(async () => {
      const database = await prepareDatabase(config, MIGRATIONS, { migrate: true });
      await database.stop();
      io.out('migrations are up to date');
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    const commanderCode = (error as { exitCode?: number }).exitCode;
    if (typeof commanderCode === 'number') return commanderCode;
    if (error instanceof CatalogError || error instanceof IdentityError || error instanceof DocumentsError) {
      for (const line of describeError(error)) io.err(line);
      return 1;
    }
    io.err(error instanceof Error ? error.message : String(error));
    return 2;
  }
  return code;
}
