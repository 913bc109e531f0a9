import type { FormDefinition } from '../form.model';
import { visiblePages } from './form-navigation';
import { ErrorLink, FieldView, PageBuilder } from './page-builder';
import { FormViewOptions, ViewContext } from './view-context';

/**
 * The view of a form page. Spread it into the page data (`{ ...base, ...view }`); its keys do
 * not clash with the layout's (`title` stays the document title: set it to `documentTitle`).
 */
export interface FormPageView {
  pageId: string;
  pageTitle: string;
  description?: string;
  /** For `<title>`: the page title, prefixed "Fehler:" when there are errors. */
  documentTitle: string;
  action: string;
  csrfToken?: string;
  /** The page has a file field: the form posts `multipart/form-data`. */
  multipart: boolean;
  step: { current: number; total: number };
  steps: { title: string; url?: string; current: boolean; done: boolean }[];
  errors: ErrorLink[];
  items: FieldView[];
  hasPrevious: boolean;
}

/**
 * The view of one form page for `application-form.hbs`: title, steps, error summary, and every
 * visible item as the `form-*` partials render it. Undefined for a page the form does not have.
 */
export function pageView(form: FormDefinition, pageId: string, options: FormViewOptions): FormPageView | undefined {
  const page = form.pages.find((p) => p.id === pageId);
  if (!page) return undefined;
  const c = new ViewContext(form, options);
  const builder = new PageBuilder(c, page);
  const items = builder.items(page.items, options.answers, '', '');
  const pages = visiblePages(form, options.answers, options.params);
  const current = Math.max(
    0,
    pages.findIndex((p) => p.id === pageId),
  );
  const title = c.text(page.title);
  return {
    pageId,
    pageTitle: title,
    ...(page.description ? { description: c.text(page.description) } : {}),
    documentTitle: builder.summary.length > 0 ? c.t('forms.errors.documentTitle', { title }) : title,
    action: options.action ?? '',
    ...(options.csrfToken ? { csrfToken: options.csrfToken } : {}),
    multipart: builder.multipart,
    step: { current: current + 1, total: Math.max(pages.length, 1) },
    steps: pages.map((p, i) => ({
      title: c.text(p.title),
      current: i === current,
      done: i < current,
      ...(i < current ? { url: c.pageUrl(p.id) } : {}),
    })),
    errors: builder.summary,
    items,
    hasPrevious: current > 0,
  };
}
