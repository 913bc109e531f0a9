import { MigrationInterface, QueryRunner } from 'typeorm';

/** Payments and the payment sandbox. */
export class Payments1795305600008 implements MigrationInterface {
  name = 'Payments1795305600008';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
