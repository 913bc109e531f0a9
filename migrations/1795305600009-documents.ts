import { MigrationInterface, QueryRunner } from 'typeorm';

/** Issued documents and the signing keys of tenants. */
export class Documents1795305600009 implements MigrationInterface {
  name = 'Documents1795305600009';

  async up(_q: QueryRunner): Promise<void> {}

  async down(_q: QueryRunner): Promise<void> {}
}
