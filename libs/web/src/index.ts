export * from './page-cache.service';
export * from './page-encoding';
export * from './static-assets';
export * from './theme';
export * from './view-engine.service';
export * from './web.module';
