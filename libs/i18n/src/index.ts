export * from './i18n.error';
export * from './i18n.module';
export * from './i18n.service';
export * from './localized-text';
export * from './locales';
export * from './locale-files';
export * from './templates/template-loader';
