import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { WebModule } from '@openrathaus/web';
import { Rules } from './rules';
import { RULES } from './runtime/form-structure';

/** The `form-*` partials the form views name; this lib owns them. */
export const FORM_PARTIALS = join(projectRoot(), 'libs', 'forms', 'templates', 'partials');

/** The texts of the form views and the field errors. */
export const FORM_LOCALES = join(projectRoot(), 'libs', 'forms', 'locales');

/** Rules for every lib that evaluates them; the form partials and texts for the pages. */
@Module({
  imports: [I18nModule.forFeature({ dir: FORM_LOCALES }), WebModule.forFeature({ partials: FORM_PARTIALS })],
  providers: [{ provide: Rules, useValue: RULES }],
  exports: [Rules],
})
export class FormsModule {}
