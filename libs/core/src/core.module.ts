import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from './config/app-config';
import { FILE_STORAGE, LocalDiskStorage } from './storage/file-storage';

/** Makes the configuration read at start, and the file storage it names, injectable everywhere. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CoreModule,
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: FILE_STORAGE, useFactory: () => new LocalDiskStorage(config.storageDir) },
      ],
      exports: [APP_CONFIG, FILE_STORAGE],
    };
  }
}
