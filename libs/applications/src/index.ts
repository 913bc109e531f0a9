export * from './application.entity';
export * from './applications.error';
export * from './applications.module';
export * from './applications.service';
