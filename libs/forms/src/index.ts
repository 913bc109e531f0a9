export * from './form.model';
export * from './rules';
export * from './xdf';
export * from './runtime';
export * from './forms.module';
