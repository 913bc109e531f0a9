import { DynamicModule, Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource, MixedList } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { AuditLogEntry } from './audit-log.entity';
import { AuditLog } from './audit-log.repository';
import { CrossTenantReads } from './cross-tenant-reads.service';
import { ConsoleTransactions } from './console-transactions.service';
import { createDataSource } from './data-source.factory';
import { OwnerTransactions } from './owner-transactions.service';
import { TenantTransactions } from './tenant-transactions.service';

/** Entities of the database lib itself; apps add those of the feature libs. */
export const DATABASE_ENTITIES = [AuditLogEntry];

@Injectable()
class DataSourceCloser implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}

export interface DatabaseModuleOptions {
  entities: MixedList<Function>;
  poolSize?: number;
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseModuleOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            if (!config.databaseUrl) throw new Error('DATABASE_URL is not resolved');
            const dataSource = createDataSource({
              url: config.databaseUrl,
              entities: options.entities,
              poolSize: options.poolSize ?? (config.embedded ? 8 : 20),
            });
            return dataSource.initialize();
          },
        },
        DataSourceCloser,
        TenantTransactions,
        OwnerTransactions,
        ConsoleTransactions,
        AuditLog,
        CrossTenantReads,
      ],
      exports: [DataSource, TenantTransactions, OwnerTransactions, ConsoleTransactions, AuditLog, CrossTenantReads],
    };
  }
}
