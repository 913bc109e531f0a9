import { MigrationInterface, QueryRunner } from 'typeorm';

/** Citizen accounts (regional realms), e-mail tokens and identity levels. */
export class Citizens1795305600006 implements MigrationInterface {
  name = 'Citizens1795305600006';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
