export * from './form.model';
