import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { LocalizedText } from '@openrathaus/i18n';

/** A text of `tenant.yaml` as written: German may be missing, so it is checked, not assumed. */
export class LocalizedTextInput implements Partial<LocalizedText> {
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) de?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) en?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) tr?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) ar?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) uk?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) ru?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) pl?: string;
  @IsOptional() @IsString() @MaxLength(500, { message: 'too_long' }) 'de-x-ls'?: string;
}
