export * from './page-cache.service';
export * from './theme';
export * from './view-engine.service';
export * from './web.module';
