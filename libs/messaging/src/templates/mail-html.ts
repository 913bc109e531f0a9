import Handlebars from 'handlebars';

const URL_IN_ESCAPED = /https?:\/\/[^\s<>"]+/g;
const TRAILING = /[.,:!?)]+$/;

const linkify = (escaped: string): string =>
  escaped.replace(URL_IN_ESCAPED, (match) => {
    // A full stop or bracket after a link ends the sentence, not the link.
    const url = match.replace(TRAILING, '');
    return `<a href="${url}">${url}</a>${match.slice(url.length)}`;
  });

/**
 * The HTML body of a plain-text mail: every character escaped, blank lines as paragraphs, single
 * line breaks kept, web addresses as links. Nothing in the text can become markup.
 */
export function textToHtml(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n[ \t]*\n+/)
    .filter((paragraph) => paragraph.trim())
    .map((paragraph) => `<p>${linkify(Handlebars.Utils.escapeExpression(paragraph)).replace(/\n/g, '<br>\n')}</p>`)
    .join('\n');
}

/** A subject on one line: line breaks and runs of spaces become one space (no-break spaces stay). */
export const oneLine = (text: string): string => text.replace(/[ \t\n\v\f\r\u2028\u2029]+/g, ' ').trim();
