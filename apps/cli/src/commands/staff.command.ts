import { Command } from 'commander';
import { StaffAccounts } from '@openrathaus/identity';
import { CliContext, tenantNamed, unknownTenant } from '../cli-context';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `staff add`: the first account of a tenant (further caseworkers are added by its tenant admin). */
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
    .option(
      '--office <id>',
      'an office of the tenant (offices[].id); a caseworker needs one, repeat for more',
      collect,
      [],
    )
    .option('--name <name>', 'the name shown to colleagues')
    .action(async (options: { tenant: string; email: string; role: string; office: string[]; name?: string }) => {
      const created = await withApp(async (app) => {
        const tenant = await tenantNamed(app, options.tenant);
        return (
          tenant &&
          app.get(StaffAccounts).add(tenant.id, options.email, options.role, {
            name: options.name,
            offices: options.office,
            officeField: 'office',
          })
        );
      });
      if (!created) return unknownTenant(context, options.tenant);
      const offices = options.role === 'caseworker' ? ` (${[...new Set(options.office)].join(', ')})` : '';
      io.out(`created ${options.role} ${options.email.trim().toLowerCase()} for ${options.tenant}${offices}`);
      io.out(`one-time password: ${created.password}`);
      io.out('at the first login the password is changed and an authenticator app (TOTP) is set up');
    });
}
