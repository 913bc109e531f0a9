import { DynamicModule, Global, Module } from '@nestjs/common';
import { I18n } from './i18n.service';

/** Where a module keeps its texts: a folder of `<locale>.json` files. */
export interface I18nFeatureOptions {
  dir: string;
}

@Module({})
class I18nFeatureModule {}

/**
 * The one {@link I18n} of the application. Each module that has texts imports
 * `I18nModule.forFeature({ dir })` with its locale folder; nothing is found by scanning.
 */
@Global()
@Module({ providers: [I18n], exports: [I18n] })
export class I18nModule {
  static forFeature(options: I18nFeatureOptions): DynamicModule {
    return {
      module: I18nFeatureModule,
      imports: [I18nModule],
      providers: [
        {
          provide: `i18n-locales:${options.dir}`,
          inject: [I18n],
          useFactory: (i18n: I18n) => i18n.register(options.dir),
        },
      ],
    };
  }
}
