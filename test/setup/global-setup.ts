// Runs once before the test files of a Jest project that uses PostgreSQL: the migrations run once,
// into a template that each test file copies.
import './source-paths';
import { TEMPLATE_DATABASE_VARIABLE, createTemplateDatabase } from '@openrathaus/testing';

export default async function globalSetup(): Promise<void> {
  const template = await createTemplateDatabase();
  // Test files (and the workers Jest starts after this) inherit the environment.
  process.env[TEMPLATE_DATABASE_VARIABLE] = template.name;
}
