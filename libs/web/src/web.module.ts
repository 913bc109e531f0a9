import { join } from 'node:path';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { PageCache } from './page-cache.service';
import { ViewEngine } from './view-engine.service';

/** What a lib adds to the pages: a folder of partials it owns. */
export interface WebFeatureOptions {
  partials: string;
}

@Module({})
class WebFeatureModule {}

/** The page engine and the page cache, with the web lib's own texts. */
@Global()
@Module({
  imports: [I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'web', 'locales') })],
  providers: [ViewEngine, PageCache],
  exports: [ViewEngine, PageCache],
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
