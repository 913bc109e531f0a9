export * from './application.entity';
export * from './application-number';
export * from './applications.error';
export * from './applications.module';
export * from './applications.service';
export * from './casework.service';
export type { ApplicationLocation, ApplicationsUsage } from './applications.repository';
