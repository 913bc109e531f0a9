import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@openrathaus/core';
import { checkDatabaseRole, prepareDatabase } from '@openrathaus/database';
import { InstanceHeartbeat, PinoNestLogger, createLogger } from '@openrathaus/observability';
import { MIGRATIONS } from '@openrathaus/migrations';
import { AppointmentsSweepHandler } from '@openrathaus/appointments';
import { CaseworkSweepHandler, RetentionSweepHandler } from '@openrathaus/workflow';
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
  // The repeatable jobs: reminders and closing of unanswered requests for information, per tenant.
  try {
    const tenants = await app.get(CaseworkSweepHandler).schedule();
    logger.log(`casework scheduled for ${tenants} tenants`, 'Worker');
  } catch (error) {
    logger.error(`casework not scheduled: ${error instanceof Error ? error.message : String(error)}`, 'Worker');
  }
  // Once a day per tenant: applications past their definition's retention are deleted or anonymised.
  try {
    const tenants = await app.get(RetentionSweepHandler).schedule();
    logger.log(`retention scheduled for ${tenants} tenants`, 'Worker');
  } catch (error) {
    logger.error(`retention not scheduled: ${error instanceof Error ? error.message : String(error)}`, 'Worker');
  }
  // Every few minutes per tenant with bookable offices: holds that ran out, reminders a day ahead.
  try {
    const tenants = await app.get(AppointmentsSweepHandler).schedule();
    logger.log(`appointments scheduled for ${tenants} tenants`, 'Worker');
  } catch (error) {
    logger.error(`appointments not scheduled: ${error instanceof Error ? error.message : String(error)}`, 'Worker');
  }
  await app.get(InstanceHeartbeat).start('worker');
  logger.log('worker running', 'Worker');
}

main().catch((error: unknown) => {
  process.stderr.write(`The worker could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
