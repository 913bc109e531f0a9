import { Module } from '@nestjs/common';

export const MESSAGING_ENTITIES: Function[] = [];

/** E-mail from per-tenant templates, sent by the worker, and the citizen's mailbox. */
@Module({})
export class MessagingModule {}
