export * from './field-formats';
export * from './form-errors';
export * from './form-navigation';
export * from './form-post';
export * from './form-view';
export * from './upload-check';
export * from './validate-answers';
export { localize } from './form-structure';
