export * from './application-states';
export * from './workflow.error';
export * from './workflow.module';
export * from './workflow.service';
