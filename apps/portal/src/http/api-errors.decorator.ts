import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** A field and what is wrong with it, in the request's language. */
export class FieldErrorBody {
  @ApiProperty({ example: 'anschrift.postalCode' }) field: string;
  @ApiProperty({ example: 'Bitte geben Sie eine Postleitzahl an.' }) message: string;
}

/** The body of every error answer of the API. */
export class ErrorBody {
  @ApiProperty({ example: 422 }) statusCode: number;
  @ApiProperty({ example: 'applications.invalid_answers', description: 'stable code of the error' })
  code: string;
  @ApiProperty({ description: 'what went wrong, in the language of the request (German or English)' })
  message: string;
  @ApiPropertyOptional({ type: [FieldErrorBody], description: 'the fields at fault, where there are any' })
  errors?: FieldErrorBody[];
  @ApiPropertyOptional({ description: 'for an unexpected failure: the id under which it is logged' })
  errorId?: string;
  @ApiPropertyOptional({
    type: [String],
    description: 'for an appointment someone else just took (409): the next free start times',
  })
  next?: string[];
}

const MEANING: Record<number, string> = {
  400: 'the request is malformed (names the field where it can)',
  401: 'no session, or it has ended',
  403: 'not allowed: another origin, a missing CSRF token, a trust level or role too low',
  404: 'no such tenant or resource on this host',
  409: 'the state does not allow it (already submitted, paid, decided; an appointment time just taken)',
  413: 'the body is too large',
  415: 'the body must be JSON (or multipart where a file is sent)',
  422: 'the content is not acceptable; `errors` names each field',
  503: 'the instance is saturated or a service it needs is away; retry after `Retry-After` seconds',
};

/**
 * Documents error answers of an operation (or of every operation of a controller) with the one
 * error body. 500 (with `errorId`) and 503 may come from any operation and are always listed.
 */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...[...new Set([...statuses, 503])].map((status) =>
      ApiResponse({ status, description: MEANING[status] ?? 'error', type: ErrorBody }),
    ),
    ApiResponse({ status: 500, description: 'an unexpected failure; `errorId` names it in the log', type: ErrorBody }),
  );
