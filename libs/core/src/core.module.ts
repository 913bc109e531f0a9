import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { FILE_STORAGE, FileStorage, LocalDiskStorage } from './storage/file-storage';

/** Makes the configuration read at start, and the file storage it names, injectable everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: FILE_STORAGE, useFactory: () => fileStorage(config) },
      ],
      exports: [APP_CONFIG, FILE_STORAGE],
    };
  }
}

/** The strategy the configuration names; the AWS SDK is loaded only when object storage is used. */
async function fileStorage(config: AppConfig): Promise<FileStorage> {
  if (!config.objectStorage) return new LocalDiskStorage(config.storageDir);
  const { S3Storage } = await import('./storage/s3-storage');
  return new S3Storage(config.objectStorage);
}
