import { join } from 'node:path';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { PageCache } from './page-cache.service';
import { StaticAssets, platformAssets } from './static-assets';
import { ViewEngine } from './view-engine.service';

/** What a lib adds to the pages: a folder of partials it owns. */
export interface WebFeatureOptions {
  partials: string;
}

@Module({})
class WebFeatureModule {}

/** The page engine, the page cache and the layout's fingerprinted assets, with the web lib's own texts. */
@Global()
@Module({
  imports: [I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'web', 'locales') })],
  providers: [ViewEngine, PageCache, { provide: StaticAssets, useFactory: platformAssets }],
  exports: [ViewEngine, PageCache, StaticAssets],
})
export class WebModule {
  static forFeature(options: WebFeatureOptions): DynamicModule {
    return {
      module: WebFeatureModule,
      imports: [WebModule],
      providers: [
        {
          provide: `web-partials:${options.partials}`,
          inject: [ViewEngine],
          useFactory: (views: ViewEngine) => views.registerPartials(options.partials),
        },
      ],
    };
  }
}
