import type { FormDefinition, FormItem, FormPage } from '../form.model';
import { isGroup } from '../form.model';
import { Answers, ruleHolds } from './form-structure';

/** The pages the citizen goes through with these answers, in order (a page whose rule fails is skipped). */
export function visiblePages(form: FormDefinition, answers: Answers, params: Record<string, unknown>): FormPage[] {
  return form.pages.filter((page) => ruleHolds(page.visibleIf, { answers, params }, true));
}

/** The id of the visible page after this one; undefined after the last (then the summary follows). */
export function nextPage(
  form: FormDefinition,
  pageId: string,
  answers: Answers,
  params: Record<string, unknown>,
): string | undefined {
  const index = form.pages.findIndex((p) => p.id === pageId);
  if (index < 0) return undefined;
  return form.pages.slice(index + 1).find((page) => ruleHolds(page.visibleIf, { answers, params }, true))?.id;
}

/** The id of the visible page before this one; undefined on the first. */
export function previousPage(
  form: FormDefinition,
  pageId: string,
  answers: Answers,
  params: Record<string, unknown>,
): string | undefined {
  const index = form.pages.findIndex((p) => p.id === pageId);
  if (index < 0) return undefined;
  return form.pages
    .slice(0, index)
    .reverse()
    .find((page) => ruleHolds(page.visibleIf, { answers, params }, true))?.id;
}

const holds = (items: FormItem[], id: string): boolean =>
  items.some((item) => item.id === id || (isGroup(item) && holds(item.items, id)));

/**
 * The page that asks for an answer, by the answer's path (`anschrift.postalCode`,
 * `kinder.0.vorname`): where to send the citizen for an error found at submission.
 */
export function pageOfField(form: FormDefinition, path: string): string | undefined {
  const root = path.split('.')[0];
  return form.pages.find((page) => holds(page.items, root))?.id;
}
