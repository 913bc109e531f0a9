export * from './config/app-config';
export * from './errors/domain.error';
export * from './errors/core.error';
export * from './context/request-context';
export * from './clock';
export * from './project-root';
export * from './core.module';
export * from './ids';
