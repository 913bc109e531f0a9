import { Command } from 'commander';
import { StaffAccounts } from '@openrathaus/identity';
import { OperatorAccounts } from '@openrathaus/operations';
import { CliContext, tenantNamed, unknownTenant } from '../cli-context';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `staff add`: the first account of a tenant (further caseworkers are added by its tenant admin). */
export function staffCommands(program: Command, context: CliContext): void {
  const { io, withApp, setExitCode } = context;
  program
    .command('staff')
    .description('staff accounts')
    .command('add')
    .description('create a staff account and print its one-time password')
    .option('--tenant <slug>', 'the tenant the account belongs to (not for operators, who belong to none)')
    .requiredOption('--email <email>', 'the e-mail address, used to log in')
    .requiredOption('--role <role>', 'caseworker, tenant-admin or operator')
    .option(
      '--office <id>',
      'an office of the tenant (offices[].id); a caseworker needs one, repeat for more',
      collect,
      [],
    )
    .option('--name <name>', 'the name shown to colleagues')
    .action(async (options: { tenant?: string; email: string; role: string; office: string[]; name?: string }) => {
      if (options.role === 'operator') {
        if (options.tenant !== undefined) {
          io.err('--tenant: operators belong to no tenant / Betriebskonten gehören zu keinem Mandanten');
          return setExitCode(1);
        }
        const operator = await withApp((app) => app.get(OperatorAccounts).add(options.email, { name: options.name }));
        io.out(`created operator ${options.email.trim().toLowerCase()} for the operator console`);
        io.out(`one-time password: ${operator.password}`);
        io.out('at the first login the password is changed and an authenticator app (TOTP) is set up');
        return;
      }
      if (options.tenant === undefined) {
        io.err('--tenant: required for this role / für diese Rolle erforderlich');
        return setExitCode(1);
      }
      const slug = options.tenant;
      const created = await withApp(async (app) => {
        const tenant = await tenantNamed(app, slug);
        return (
          tenant &&
          app.get(StaffAccounts).add(tenant.id, options.email, options.role, {
            name: options.name,
            offices: options.office,
            officeField: 'office',
          })
        );
      });
      if (!created) return unknownTenant(context, slug);
      const offices = options.role === 'caseworker' ? ` (${[...new Set(options.office)].join(', ')})` : '';
      io.out(`created ${options.role} ${options.email.trim().toLowerCase()} for ${slug}${offices}`);
      io.out(`one-time password: ${created.password}`);
      io.out('at the first login the password is changed and an authenticator app (TOTP) is set up');
    });
}
