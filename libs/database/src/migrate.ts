import { MixedList } from 'typeorm';
import { createDataSource } from './data-source.factory';

/** Runs pending schema migrations as the schema owner; returns the names of those that ran. */
export async function runMigrations(ownerUrl: string, migrations: MixedList<Function>): Promise<string[]> {
  const dataSource = createDataSource({ url: ownerUrl, entities: [], migrations, poolSize: 1 });
  await dataSource.initialize();
  try {
    const ran = await dataSource.runMigrations({ transaction: 'each' });
    return ran.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
