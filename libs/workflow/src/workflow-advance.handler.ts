import { Injectable } from '@nestjs/common';
import { HandlesJob, JobHandler, JobPayload } from '@openrathaus/jobs';
import { TenantRegistry } from '@openrathaus/tenancy';
import { ADVANCE_JOB, WORKFLOW_QUEUE, Workflow } from './workflow.service';

/** The worker's part of the workflow: documents, messages and hand-over of one application. */
@Injectable()
@HandlesJob(WORKFLOW_QUEUE, ADVANCE_JOB)
export class WorkflowAdvanceHandler implements JobHandler {
  constructor(
    private readonly workflow: Workflow,
    private readonly registry: TenantRegistry,
  ) {}

  async handle(payload: JobPayload): Promise<unknown> {
    // A worker process loads tenants as their jobs come, not all at start.
    const tenant = this.registry.getById(payload.tenantId) ?? (await this.registry.reload(payload.tenantId));
    if (!tenant) return { skipped: 'unknown tenant' };
    const { application } = await this.workflow.advance(tenant, payload.applicationId, { inline: false });
    return { status: application.status, step: application.stepIndex };
  }
}
