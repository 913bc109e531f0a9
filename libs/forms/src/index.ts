export * from './form.model';
export * from './rules';
