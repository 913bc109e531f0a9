import { Controller } from '@nestjs/common';

/** The public page that checks an issued document's verification code. */
@Controller('verify')
export class VerifyPageController {}
