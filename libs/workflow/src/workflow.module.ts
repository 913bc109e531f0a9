import { Module } from '@nestjs/common';

export const WORKFLOW_ENTITIES: Function[] = [];

/** The state machine of applications and its built-in steps. */
@Module({})
export class WorkflowModule {}
