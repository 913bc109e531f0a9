import { Controller } from '@nestjs/common';

/** The application form, summary, payment and result pages, without JavaScript. */
@Controller('')
export class ApplicationPagesController {}
