import { Command } from 'commander';
import { prepareDatabase } from '@openrathaus/database';
import { MIGRATIONS } from '@openrathaus/migrations';
import { CliContext } from '../cli-context';

/** `db migrate`. */
export function dbCommands(program: Command, { config, io }: CliContext): void {
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
}
