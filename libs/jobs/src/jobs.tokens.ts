export const QUEUE_BACKEND = Symbol('QUEUE_BACKEND');
export const NOTIFICATION_BUS = Symbol('NOTIFICATION_BUS');
export const JOBS_OPTIONS = Symbol('JOBS_OPTIONS');
