import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@openrathaus/core';
import { checkDatabaseRole, prepareDatabase } from '@openrathaus/database';
import { PinoNestLogger, createLogger } from '@openrathaus/observability';
import { MIGRATIONS } from '@openrathaus/migrations';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const base = loadConfig();
  const logger = new PinoNestLogger(createLogger(base.logLevel));
  Logger.overrideLogger(logger);
  const { config } = await prepareDatabase(base, MIGRATIONS, { migrate: false });
  // Refuses a superuser, BYPASSRLS or owner role in production, like the portal.
  await checkDatabaseRole(config);
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger });
  app.enableShutdownHooks();
  logger.log('worker running', 'Worker');
}

main().catch((error: unknown) => {
  process.stderr.write(`The worker could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
