/**
 * Bar charts as SVG, written by the benchmarks next to their JSON and shown by docs/performance.md.
 * No dependency: a chart is a handful of rectangles and labels.
 *
 *   barChart({ title, unit, groups: [{ label, bars: [{ series, value }] }] })
 *
 * One group per row of a benchmark's table (a server, a kind of request at a tenant count), one bar
 * per series in it (e.g. p50 and p99, or a browser's Accept-Encoding and none); the value is written
 * at the end of its bar. Horizontal bars, so that long labels stay readable.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const COLOURS = ['#1f5fa8', '#e0892b', '#3c8d40', '#8e44ad', '#b03a2e', '#7f8c8d'];
const WIDTH = 760;
const LABEL_WIDTH = 300;
const BAR_HEIGHT = 16;
const GAP = 10;
const TOP = 48;

const escape = (text) =>
  String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const number = (value) =>
  value >= 100 ? Math.round(value).toLocaleString('en-US') : Number(value.toPrecision(3)).toLocaleString('en-US');

/**
 * @param {{ title: string, unit: string, groups: { label: string, bars: { series: string, value: number }[] }[] }} chart
 * @returns {string} the SVG document
 */
export function barChart({ title, unit, groups }) {
  const series = [...new Set(groups.flatMap((g) => g.bars.map((b) => b.series)))];
  const max = Math.max(1e-9, ...groups.flatMap((g) => g.bars.map((b) => b.value)));
  const plot = WIDTH - LABEL_WIDTH - 90;
  const lines = [];
  let y = TOP;
  for (const group of groups) {
    const height = group.bars.length * BAR_HEIGHT;
    lines.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + height / 2 + 4}" text-anchor="end">${escape(group.label)}</text>`,
    );
    for (const bar of group.bars) {
      const w = Math.max(1, (bar.value / max) * plot);
      const colour = COLOURS[series.indexOf(bar.series) % COLOURS.length];
      lines.push(
        `<rect x="${LABEL_WIDTH}" y="${y}" width="${w.toFixed(1)}" height="${BAR_HEIGHT - 2}" fill="${colour}">` +
          `<title>${escape(`${group.label}, ${bar.series}: ${number(bar.value)} ${unit}`)}</title></rect>`,
        `<text x="${(LABEL_WIDTH + w + 4).toFixed(1)}" y="${y + BAR_HEIGHT - 5}">${escape(number(bar.value))}</text>`,
      );
      y += BAR_HEIGHT;
    }
    y += GAP;
  }
  const legend = series
    .map(
      (name, i) =>
        `<rect x="${LABEL_WIDTH + i * 150}" y="${y + 4}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>` +
        `<text x="${LABEL_WIDTH + i * 150 + 16}" y="${y + 14}">${escape(name)}</text>`,
    )
    .join('');
  const height = y + 30;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${escape(title)}">`,
    '<style>text{font:12px sans-serif;fill:#222}.title{font-size:14px;font-weight:bold}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text class="title" x="10" y="20">${escape(title)}</text>`,
    `<text x="10" y="38">${escape(unit)}</text>`,
    `<line x1="${LABEL_WIDTH}" y1="${TOP - 4}" x2="${LABEL_WIDTH}" y2="${y - GAP + 4}" stroke="#888"/>`,
    ...lines,
    legend,
    '</svg>',
    '',
  ].join('\n');
}

/** Writes charts (`{ name: svg }`) as `<prefix>-<name>.svg` into dir; returns the paths. */
export function writeCharts(dir, prefix, charts) {
  mkdirSync(dir, { recursive: true });
  return Object.entries(charts).map(([name, svg]) => {
    const file = join(dir, `${prefix}-${name}.svg`);
    writeFileSync(file, svg);
    return file;
  });
}
