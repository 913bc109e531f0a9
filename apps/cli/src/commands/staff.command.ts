import { Command } from 'commander';
import { StaffAccounts } from '@openrathaus/identity';
import { CliContext, tenantNamed, unknownTenant } from '../cli-context';

/** `staff add`. */
export function staffCommands(program: Command, context: CliContext): void {
  const { io, withApp } = context;
  program
    .command('staff')
    .description('staff accounts')
    .command('add')
    .description('create a staff account and print its one-time password')
    .requiredOption('--tenant <slug>', 'the tenant the account belongs to')
    .requiredOption('--email <email>', 'the e-mail address, used to log in')
    .requiredOption('--role <role>', 'caseworker, tenant-admin or operator')
    .action(async (options: { tenant: string; email: string; role: string }) => {
      const created = await withApp(async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return tenant && app.get(StaffAccounts).add(tenant.id, options.email, options.role);
      });
      if (!created) return unknownTenant(context, options.tenant);
      io.out(`created ${options.role} ${options.email.trim().toLowerCase()} for ${options.tenant}`);
      io.out(`one-time password: ${created.password}`);
    });
}
