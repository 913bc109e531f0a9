import { Controller } from '@nestjs/common';

/** Citizen account pages: register, confirm, log in and out, reset the password, step up the identity level. */
@Controller('konto')
export class AccountPagesController {}
