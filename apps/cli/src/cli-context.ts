import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig, DomainError } from '@openrathaus/core';
import { prepareDatabase } from '@openrathaus/database';
import { MIGRATIONS } from '@openrathaus/migrations';
import { TenantRegistry } from '@openrathaus/tenancy';
import { CliModule } from './cli.module';

/** Where the command line writes: stdout and stderr, or a test's lists. */
export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** What every command group is given. */
export interface CliContext {
  config: AppConfig;
  io: CliIo;
  /** Runs `work` with the platform's services; the database is prepared first and closed after. */
  withApp: <T>(work: (app: INestApplicationContext) => Promise<T>) => Promise<T>;
  /** The exit code the command line returns once the command is done. */
  setExitCode: (code: number) => void;
}

export function cliContext(config: AppConfig, io: CliIo, setExitCode: (code: number) => void): CliContext {
  return {
    config,
    io,
    setExitCode,
    async withApp(work) {
      const database = await prepareDatabase(config, MIGRATIONS, { migrate: config.embedded });
      // abortOnError: false, so that a module that cannot start (e.g. production without SMTP_URL)
      // names its error through runCli instead of ending the process without a word.
      const app = await NestFactory.createApplicationContext(CliModule.forRoot(database.config), {
        logger: false,
        abortOnError: false,
      }).catch(async (error: unknown) => {
        await database.stop();
        throw error;
      });
      try {
        return await work(app);
      } finally {
        await app.close();
        await database.stop();
      }
    },
  };
}

/** A tenant by slug, from the database. */
export async function tenantNamed(app: INestApplicationContext, slug: string) {
  const registry = app.get(TenantRegistry);
  await registry.loadAll();
  return registry.get(slug);
}

/** Reports a `--tenant` that names no tenant; the command line then ends with 1. */
export function unknownTenant(context: CliContext, slug: string): void {
  context.io.err(`--tenant: unknown tenant "${slug}" / unbekannter Mandant "${slug}"`);
  context.setExitCode(1);
}

/** A domain error as the command line prints it: its code and each named field. */
export function describeError(error: DomainError): string[] {
  return [
    error.code,
    ...error.fields.map((f) => {
      const p = f.params as { en?: string; de?: string } | undefined;
      return `  ${f.field}: ${p?.en ?? f.key}${p?.de ? ` / ${p.de}` : ''}`;
    }),
  ];
}
