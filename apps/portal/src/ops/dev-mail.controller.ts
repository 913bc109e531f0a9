import { Controller } from '@nestjs/common';

/** Development only: the e-mails captured instead of sent. */
@Controller('_dev/mail')
export class DevMailController {}
