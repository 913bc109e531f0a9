/** One bar: its label, its value and the text read out for it. */
export interface Bar {
  label: string;
  value: number;
  /** The value as people read it (`12`, `85 %`, `36 h`). */
  text: string;
}

const escape = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const ROW = 28;
const LABEL = 240;
const WIDTH = 720;
const VALUE = 90;

/**
 * A horizontal bar chart as SVG, drawn on the server: no script, scales with the page, a title and
 * a description for screen readers (the page shows the same figures as a table beside it). Colours
 * come from the tenant's theme (`currentColor` and the page's custom properties).
 */
export function barChart(options: { id: string; title: string; description: string; bars: readonly Bar[] }): string {
  const { id, title, description, bars } = options;
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const height = Math.max(1, bars.length) * ROW + 8;
  const span = WIDTH - LABEL - VALUE;
  const rows = bars.map((bar, i) => {
    const y = i * ROW + 4;
    const width = max > 0 ? Math.max(bar.value > 0 ? 2 : 0, Math.round((bar.value / max) * span)) : 0;
    return (
      `<g><text x="${LABEL - 8}" y="${y + 18}" text-anchor="end" class="chart-label">${escape(truncate(bar.label))}</text>` +
      `<rect x="${LABEL}" y="${y + 4}" width="${width}" height="${ROW - 10}" class="chart-bar"/>` +
      `<text x="${LABEL + width + 6}" y="${y + 18}" class="chart-value">${escape(bar.text)}</text></g>`
    );
  });
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 ${WIDTH} ${height}" ` +
    `aria-labelledby="${id}-title ${id}-desc" preserveAspectRatio="xMinYMin meet">` +
    `<title id="${id}-title">${escape(title)}</title><desc id="${id}-desc">${escape(description)}</desc>` +
    rows.join('') +
    `</svg>`
  );
}

const truncate = (label: string): string => (label.length > 34 ? `${label.slice(0, 33)}…` : label);
