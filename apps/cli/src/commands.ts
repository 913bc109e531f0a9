import { Logger } from '@nestjs/common';
import { Command } from 'commander';
import { AppConfig, loadConfig } from '@openrathaus/core';
import { PinoNestLogger, createLogger } from '@openrathaus/observability';
import { CatalogError } from '@openrathaus/catalog';
import { DocumentsError } from '@openrathaus/documents';
import { IdentityError } from '@openrathaus/identity';
import { CliIo, cliContext, describeError } from './cli-context';
import { dbCommands } from './commands/db.command';
import { documentsCommands } from './commands/documents.command';
import { processesCommands } from './commands/processes.command';
import { staffCommands } from './commands/staff.command';
import { tenantsCommands } from './commands/tenants.command';

export type { CliIo } from './cli-context';

/**
 * The operator's command line. Returns the exit code instead of exiting, so tests can run it.
 * Without a configuration it reads the environment, quieter than the portal (`LOG_LEVEL=warn`).
 */
export async function runCli(
  argv: string[],
  io: CliIo,
  config: AppConfig = loadConfig(undefined, { LOG_LEVEL: 'warn' }),
): Promise<number> {
  Logger.overrideLogger(new PinoNestLogger(createLogger(config.logLevel)));
  let code = 0;
  const context = cliContext(config, io, (c) => (code = c));
  const program = new Command('openrathaus')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  // In this order in the help text.
  tenantsCommands(program, context);
  processesCommands(program, context);
  staffCommands(program, context);
  documentsCommands(program, context);
  dbCommands(program, context);

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
