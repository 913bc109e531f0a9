export * from './delivery-target.strategy';
