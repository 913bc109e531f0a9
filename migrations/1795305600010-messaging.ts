import { MigrationInterface, QueryRunner } from 'typeorm';

/** E-mails and mailbox messages. */
export class Messaging1795305600010 implements MigrationInterface {
  name = 'Messaging1795305600010';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
