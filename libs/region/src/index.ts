export * from './region.error';
export * from './region.module';
export * from './region-catalogue.service';
export * from './region-offers';
export * from './region-statistics.service';
