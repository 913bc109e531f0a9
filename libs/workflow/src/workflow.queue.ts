/** The queue of the workflow's background work, and the job that moves an application on. */
export const WORKFLOW_QUEUE = 'workflow';
export const ADVANCE_JOB = 'application.advance';
