/** Lower case with umlauts and ß spelt out, so that "Führung", "Fuehrung" and "FÜHRUNG" meet. */
export function normalizeSearchText(text: string): string {
  return text
    .toLowerCase()
    .replace(/ä/g, 'ae')
    .replace(/ö/g, 'oe')
    .replace(/ü/g, 'ue')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '');
}

/** The words of a query, each as a prefix (`hund:*`), for `to_tsquery('german', …)`; null when none. */
export function prefixQuery(query: string): string | null {
  const words = normalizeSearchText(query)
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2)
    .slice(0, 8);
  return words.length ? words.map((w) => `${w}:*`).join(' & ') : null;
}

/** The longest search a citizen types; beyond it, words are cut off. */
export const SEARCH_MAX = 200;

/** What someone typed as search words: control characters and runs of spaces as one space, trimmed, bounded. */
export function searchWords(text: string): string {
  return text
    .replace(/[\s\u0000-\u001f\u007f]+/g, ' ')
    .trim()
    .slice(0, SEARCH_MAX)
    .trim();
}
