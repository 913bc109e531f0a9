import { resolve } from 'node:path';
import { Command } from 'commander';
import { CatalogService, checkCatalog, formatDefinitionFault } from '@openrathaus/catalog';
import { TenantRegistry, TenantSync, formatFault, loadTenantDir, tenantLoadOptions } from '@openrathaus/tenancy';
import { CliContext } from '../cli-context';

/** `tenants validate|sync|list`. */
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
}
