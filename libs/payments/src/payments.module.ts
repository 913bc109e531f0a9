import { Module } from '@nestjs/common';

export const PAYMENTS_ENTITIES: Function[] = [];

/** Payments through an XBezahldienste-shaped provider, and the built-in sandbox. */
@Module({})
export class PaymentsModule {}
