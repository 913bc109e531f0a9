import './source-paths';
import { TEMPLATE_DATABASE_VARIABLE, dropTestDatabase } from '@openrathaus/testing';

export default async function globalTeardown(): Promise<void> {
  const name = process.env[TEMPLATE_DATABASE_VARIABLE];
  if (name) await dropTestDatabase(name);
}
