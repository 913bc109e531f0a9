import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { CatalogService, checkCatalog, formatDefinitionFault } from '@openrathaus/catalog';
import { tenantDefaults, tenantYaml } from '@openrathaus/operations';
import {
  Tenant,
  TenantRegistry,
  TenantSync,
  checkAmongTenants,
  checkTenantConfig,
  formatFault,
  loadTenantDir,
  tenantLoadOptions,
} from '@openrathaus/tenancy';
import { CliContext } from '../cli-context';

/** `tenants validate|sync|list|new`. */
export function tenantsCommands(program: Command, { config, io, withApp, setExitCode }: CliContext): void {
  const tenants = program.command('tenants').description('tenant configuration');
  tenants
    .command('validate [dir]')
    .description(
      'check every tenants/*/tenant.yaml and process definition; names file and field of each fault; exit 1 on any',
    )
    .action((dir?: string) => {
      const root = resolve(dir ?? config.tenantsDir);
      const loaded = loadTenantDir(root, tenantLoadOptions(config));
      const catalog = checkCatalog(root, loaded);
      const faults = loaded.flatMap((t) => t.faults);
      for (const fault of faults) io.err(formatFault(fault));
      for (const fault of [...catalog.definitionFaults, ...catalog.notes]) io.err(formatDefinitionFault(fault));
      io.out(
        `${loaded.length} tenants and ${catalog.definitions.length} process definitions checked, ` +
          `${faults.length + catalog.definitionFaults.length + catalog.notes.length} faults`,
      );
      setExitCode(faults.length || catalog.definitionFaults.length || catalog.notes.length ? 1 : 0);
    });
  tenants
    .command('sync [dir]')
    .description('validate, then create or update tenants and domains in the database')
    .action(async (dir?: string) => {
      const report = await withApp((app) => app.get(TenantSync).sync(resolve(dir ?? config.tenantsDir)));
      for (const t of report.tenants) for (const f of t.faults) io.err(formatFault(f));
      for (const problem of report.problems) io.err(problem);
      for (const action of report.actions) io.out(action);
      io.out(
        `created ${report.created.length}, updated ${report.updated.length}, ` +
          `unchanged ${report.unchanged.length}, stopped ${report.stopped.length}` +
          (report.stopped.length ? ` (${report.stopped.join(', ')})` : ''),
      );
      setExitCode(report.stopped.length || report.problems.length ? 1 : 0);
    });
  tenants
    .command('list')
    .description('slug, kind, status, domains of every tenant')
    .action(async () => {
      await withApp(async (app) => {
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
  tenants
    .command('new <slug>')
    .description('write tenants/<slug>/tenant.yaml for a new municipality with sensible defaults, to complete')
    .requiredOption('--ags <AGS>', 'its Amtlicher Gemeindeschlüssel, eight digits')
    .option('--region <slug>', 'the region tenant it belongs to')
    .option('--dir <dir>', 'the tenants/ folder (default: TENANTS_DIR)')
    .action((slug: string, options: { ags: string; region?: string; dir?: string }) => {
      const root = resolve(options.dir ?? config.tenantsDir);
      const dir = join(root, slug);
      const file = relative(process.cwd(), join(dir, 'tenant.yaml')) || join(dir, 'tenant.yaml');
      if (existsSync(dir)) {
        io.err(`${file}: the folder exists already / der Ordner existiert schon`);
        return setExitCode(1);
      }
      const values = tenantDefaults({ slug, ags: options.ags, region: options.region });
      const checked = checkTenantConfig(values, slug, file, dir, tenantLoadOptions(config));
      const others = loadTenantDir(root, tenantLoadOptions(config)).flatMap((t) =>
        t.config
          ? [{ slug: t.slug, kind: t.config.kind, ags: t.config.ags ?? null, domains: t.config.domains ?? [] }]
          : [],
      ) as unknown as Tenant[];
      const faults = [...checked.faults, ...(checked.config ? checkAmongTenants(checked.config, file, others) : [])];
      for (const fault of faults) io.err(formatFault(fault));
      if (faults.length) return setExitCode(1);
      mkdirSync(dir, { recursive: true });
      writeFileSync(
        join(dir, 'tenant.yaml'),
        tenantYaml(
          values,
          `A new municipality: complete name, domains, address, offices, contact and services (see docs/tenants.md),\n` +
            `then run "tenants validate" and "tenants sync".`,
        ),
      );
      io.out(`wrote ${file}`);
    });
}
