import { Controller } from '@nestjs/common';

/** The built-in payment sandbox: the XBezahldienste HTTP API and its pay page. */
@Controller('_sandbox/xbezahldienste')
export class PaymentSandboxController {}
