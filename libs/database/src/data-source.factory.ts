import { DataSource, DataSourceOptions, MixedList } from 'typeorm';

export interface DataSourceSettings {
  url: string;
  entities: MixedList<Function>;
  migrations?: MixedList<Function>;
  poolSize?: number;
  applicationName?: string;
}

/** A TypeORM data source on PostgreSQL; the schema comes from migrations only, never synchronize. */
export function createDataSource(settings: DataSourceSettings): DataSource {
  const options: DataSourceOptions = {
    type: 'postgres',
    url: settings.url,
    entities: settings.entities,
    migrations: settings.migrations ?? [],
    schema: 'public',
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    applicationName: settings.applicationName ?? 'openrathaus',
    extra: { max: settings.poolSize ?? 10, idleTimeoutMillis: 30_000 },
  };
  return new DataSource(options);
}
