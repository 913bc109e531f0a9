import { Controller } from '@nestjs/common';

/** Citizen accounts over JSON: register, verify, login, logout, password reset. */
@Controller('api/v1/auth')
export class AuthController {}
