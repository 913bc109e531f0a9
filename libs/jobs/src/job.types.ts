import { SetMetadata } from '@nestjs/common';

/** What a job carries: ids only. The handler reloads whatever it needs. */
export interface JobIds {
  tenantId: string;
  [id: string]: string;
}

export interface JobPayload extends JobIds {
  correlationId: string;
}

/** A job handler; it runs inside the tenant context the wrapper restores. */
export interface JobHandler {
  handle(payload: JobPayload): Promise<unknown>;
}

export const JOB_HANDLER = Symbol('JOB_HANDLER');

export interface JobHandlerMeta {
  queue: string;
  name: string;
}

/** Marks a provider as the handler of one job name on one queue. */
export const HandlesJob = (queue: string, name: string): ClassDecorator => SetMetadata(JOB_HANDLER, { queue, name });
