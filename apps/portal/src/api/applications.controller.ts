import { Controller } from '@nestjs/common';

/** A citizen's applications over JSON. */
@Controller('api/v1/applications')
export class ApplicationsController {}
