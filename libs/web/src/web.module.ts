import { Global, Module } from '@nestjs/common';
import { I18n } from './i18n.service';
import { PageCache } from './page-cache.service';
import { ViewEngine } from './view-engine.service';

@Global()
@Module({ providers: [I18n, ViewEngine, PageCache], exports: [I18n, ViewEngine, PageCache] })
export class WebModule {}
