import { Command } from 'commander';
import { SigningKeys } from '@openrathaus/documents';
import { CliContext, tenantNamed, unknownTenant } from '../cli-context';

/** `documents rotate-key|keys`. */
export function documentsCommands(program: Command, context: CliContext): void {
  const { io, withApp } = context;
  const documents = program.command('documents').description('issued documents and the signing keys of tenants');
  documents
    .command('rotate-key')
    .description("retire a tenant's signing key and make a new one; what the old key signed still verifies")
    .requiredOption('--tenant <slug>', 'the tenant')
    .action(async (options: { tenant: string }) => {
      const key = await withApp(async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return tenant && app.get(SigningKeys).rotate(tenant.id);
      });
      if (!key) return unknownTenant(context, options.tenant);
      io.out(`new signing key ${key.id} for ${options.tenant}; the previous one still verifies what it signed`);
    });
  documents
    .command('keys')
    .description("list a tenant's signing keys, current and retired")
    .requiredOption('--tenant <slug>', 'the tenant')
    .action(async (options: { tenant: string }) => {
      const keys = await withApp(async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return tenant && app.get(SigningKeys).list(tenant.id);
      });
      if (!keys) return unknownTenant(context, options.tenant);
      for (const k of keys) {
        io.out(
          `${k.id}  ${k.createdAt.toISOString()}  ${k.retiredAt ? `retired ${k.retiredAt.toISOString()}` : 'current'}`,
        );
      }
    });
}
