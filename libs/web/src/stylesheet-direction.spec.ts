import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import postcss, { Rule } from 'postcss';
import { projectRoot } from '@openrathaus/core';

/*
 * An Arabic page mirrors only where the stylesheets say "start" and "end" rather than "left" and
 * "right". The portal's own stylesheet may name no physical side; KERN's (third-party) names them
 * everywhere, so each of its rules with a side is reviewed below: harmless, not used by the portal, or
 * mirrored for `[dir='rtl']` in app.css. A KERN update with a new such rule fails here until reviewed.
 */

/** A declaration that names a physical side, with the rule it stands in. */
interface Physical {
  /** One selector of the rule's list. */
  selector: string;
  property: string;
  value: string;
}

const SIDE = /\b(left|right)\b/i;
const MIRROR: Record<string, string> = { left: 'right', right: 'left' };
const mirrored = (property: string) => property.replace(/\b(left|right)\b/, (side) => MIRROR[side]);

/** Whether a declaration puts something on one side, read on its own. */
function physical(property: string, value: string): boolean {
  const parts = postcss.list.space(value.split('/')[0]);
  if (/^(margin|padding)-(left|right)$/.test(property)) return true;
  if (/^border-(left|right)(-|$)/.test(property)) return true;
  if (/^border-(top|bottom)-(left|right)-radius$/.test(property)) return true;
  if (property === 'left' || property === 'right') return true;
  if (/^(text-align|float|clear)$/.test(property)) return /^(left|right)$/i.test(value.trim());
  if (/^(background|background-position(-x)?|mask|-webkit-mask|mask-position|-webkit-mask-position)$/.test(property))
    return SIDE.test(value.replace(/url\([^)]*\)/g, ''));
  if (property === 'transform') return /translate(x|3d)?\(/i.test(value);
  // A shorthand whose right and left (second and fourth) values differ.
  if (/^(margin|padding|inset|border-width|border-style|border-color)$/.test(property))
    return parts.length === 4 && parts[1] !== parts[3];
  if (property === 'border-radius')
    return parts.length > 1 && (parts[0] !== parts[1] || (parts[2] ?? parts[0]) !== (parts[3] ?? parts[1]));
  return false;
}

/**
 * The declarations of a stylesheet that name a physical side, but for symmetric pairs: the same
 * value on both sides in one rule (`margin-left: 0; margin-right: 0`, `left: 0; right: 0`).
 */
function physicalDeclarations(css: string): Physical[] {
  const found: Physical[] = [];
  postcss.parse(css).walkRules((rule: Rule) => {
    const last = new Map<string, string>();
    rule.each((node) => {
      if (node.type === 'decl') last.set(node.prop.toLowerCase(), node.value);
    });
    rule.each((node) => {
      if (node.type !== 'decl') return;
      const property = node.prop.toLowerCase();
      if (!physical(property, node.value)) return;
      const other = mirrored(property);
      if (other !== property && last.get(other) === node.value) return;
      for (const selector of rule.selectors) found.push({ selector, property, value: node.value });
    });
  });
  return found;
}

/** A selector as written in either stylesheet: no quotes in attributes, `::` for pseudo-elements, one space. */
const normal = (selector: string) =>
  selector
    .replace(/["']/g, '')
    .replace(/::?(before|after)\b/g, '::$1')
    .replace(/\s*([>+~])\s*/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();

const key = (p: Physical) => `${normal(p.selector)} { ${p.property} }`;

/** The logical properties that mirror each physical one. */
const LOGICAL: [RegExp, RegExp][] = [
  [/^margin/, /^margin-inline(-start|-end)?$/],
  [/^padding/, /^padding-inline(-start|-end)?$/],
  [/^border-(top|bottom)-(left|right)-radius$|^border-radius$/, /^border-(start|end)-(start|end)-radius$/],
  [/^border/, /^border-inline(-start|-end)?(-width|-style|-color)?$/],
  [/^(left|right|inset)$/, /^inset-inline(-start|-end)?$/],
  [/^text-align$/, /^text-align$/],
  [/^float$/, /^float$/],
  [/^clear$/, /^clear$/],
];

type Review =
  /** app.css has `[dir='rtl'] <selector>` with the logical property. */
  | 'mirrored'
  /** Drawn inside an element without text that app.css sets `direction: ltr` for `[dir='rtl']`. */
  | { ltr: string }
  /** The portal's templates never use this class. */
  | { unused: string }
  /** Why it reads the same both ways. */
  | { harmless: string };

/** Every rule of KERN's stylesheet (@kern-ux/native 2.x) that names a side, reviewed. */
const KERN_REVIEWED: Record<string, Review> = {
  '.kern-badge { padding }': 'mirrored',
  '.kern-badge .kern-label { padding }': 'mirrored',
  '.kern-badge--small { padding }': 'mirrored',
  '.kern-badge--small .kern-label { padding }': 'mirrored',
  '.kern-btn--x-small .kern-label { padding }': 'mirrored',
  '.kern-form-check { padding-right }': 'mirrored',
  '.kern-form-check .kern-label { padding-left }': 'mirrored',
  '.kern-form-check--error { border-left }': 'mirrored',
  '.kern-form-check--error { padding-left }': 'mirrored',
  '.kern-form-check__checkbox:checked::before { left }': { ltr: '.kern-form-check__checkbox' },
  '.kern-form-check__checkbox:checked::before { transform }': { ltr: '.kern-form-check__checkbox' },
  '.kern-form-check__checkbox:checked::before { border-width }': { ltr: '.kern-form-check__checkbox' },
  '.kern-fieldset--error { border-left }': 'mirrored',
  '.kern-fieldset--error { padding-left }': 'mirrored',
  '.kern-fieldset legend { float }': 'mirrored',
  '.kern-fieldset .kern-hint { clear }': 'mirrored',
  '.kern-fieldset__body { clear }': 'mirrored',
  '.kern-form-input input[type=file].kern-form-input__input::file-selector-button { margin-right }': 'mirrored',
  '.kern-form-input--error { border-left }': 'mirrored',
  '.kern-form-input--error { padding-left }': 'mirrored',
  '.kern-form-input__select { padding }': 'mirrored',
  '.kern-form-input__select-wrapper:hover .kern-form-input__select { padding }': 'mirrored',
  '.kern-form-input__select-wrapper:hover:has(.kern-form-input__select:focus) .kern-form-input__select { padding }':
    'mirrored',
  '.kern-form-input__select-wrapper::after { right }': 'mirrored',
  '.kern-table .kern-title { text-align }': 'mirrored',
  '.kern-table__header { text-align }': 'mirrored',
  '.kern-table__cell { text-align }': 'mirrored',
  '.kern-table__header--numeric { text-align }': 'mirrored',
  '.kern-table__cell--numeric { text-align }': 'mirrored',
  '.kern-table__header--action { text-align }': 'mirrored',
  '.kern-table__cell--action { text-align }': 'mirrored',
  '.kern-list { padding-left }': { harmless: "the same rule's `padding` already sets the right side to 0" },
  '.kern-list--bullet { padding-left }': 'mirrored',
  '.kern-list--number { padding-left }': 'mirrored',
  '.kern-description-list-item__value ul { padding-left }': 'mirrored',
  '.kern-task-list__status { text-align }': { unused: 'kern-task-list' },
  '.kern-dialog__header { padding }': { unused: 'kern-dialog' },
  '.kern-dialog__footer .kern-btn+.kern-btn { margin-left }': { unused: 'kern-dialog' },
  '.kern-dialog { border-radius }': { unused: 'kern-dialog' },
  '.kern-dropdown[open] .kern-dropdown__header::before { left }': { unused: 'kern-dropdown' },
  '.kern-dropdown__body { left }': { unused: 'kern-dropdown' },
  '.kern-dropdown__body .kern-list li { padding }': { unused: 'kern-dropdown' },
  '.kern-dropdown__body .kern-list li:has(input:checked)::before { left }': { unused: 'kern-dropdown' },
  '.kern-dropdown__body .kern-list li label { padding-left }': { unused: 'kern-dropdown' },
  '.kern-loader { border-color }': { unused: 'kern-loader' },
  '.kern-loader::before { border-radius }': { unused: 'kern-loader' },
  '.kern-loader::before { left }': { unused: 'kern-loader' },
  '.kern-loader::after { border-radius }': { unused: 'kern-loader' },
  '.kern-loader::after { left }': { unused: 'kern-loader' },
};

/** KERN's one-sided utility classes: many rules of one kind, counted, none used by the portal. */
const KERN_UTILITIES: { selector: RegExp; count: number; unused: RegExp }[] = [
  // .kern-ml-md, .kern-pr-none-lg, …
  {
    selector: /^\.kern-[mp][lr]-(auto|none|xxs|xs|sm|md|lg|xl)(-(xs|sm|md|lg|xl|xxl))?$/,
    count: 210,
    unused: /\bkern-[mp][lr]-/,
  },
  // .kern-row .kern-col-offset-3, .kern-row .kern-col-md-offset-0, …
  { selector: /^\.kern-row \.kern-col-([a-z]+-)?offset-\d+$/, count: 77, unused: /\bkern-col-([a-z]+-)?offset-/ },
];

const read = (...path: string[]) => readFileSync(join(projectRoot(), ...path), 'utf8');
const appCss = read('libs', 'web', 'assets', 'app.css');
// The stylesheet the pages link to (see static-assets.ts).
const kernCss = read('node_modules', '@kern-ux', 'native', 'dist', 'kern.min.css');

/** The templates and sources that write the portal's markup (class names), but specs. */
function markup(): string {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(path);
      } else if (/\.(hbs|html)$|(?<!\.spec)\.ts$/.test(entry.name)) texts.push(readFileSync(path, 'utf8'));
    }
  };
  for (const dir of ['apps', 'libs', 'tenants']) walk(join(projectRoot(), dir));
  return texts.join('\n');
}

describe('stylesheets read right to left', () => {
  it('app.css names no physical side: margin-inline-start, inset-inline, text-align: start', () => {
    expect(physicalDeclarations(appCss).map((p) => `${key(p)}: ${p.value}`)).toEqual([]);
  });

  it('finds a physical side where there is one', () => {
    const css =
      '.a{margin-left:1rem}.b{left:0;right:0}.c{padding:0 1rem 0 2rem}.d{padding:0 1rem}.e{text-align:right}' +
      '.f{transform:translateX(4px)}.g{background-position:right 8px center}.h{margin-inline-start:1rem}';
    expect(physicalDeclarations(css).map(key)).toEqual([
      '.a { margin-left }',
      '.c { padding }',
      '.e { text-align }',
      '.f { transform }',
      '.g { background-position }',
    ]);
  });

  it("reviews every physical rule of KERN's stylesheet, and mirrors those that matter in app.css", () => {
    const found = physicalDeclarations(kernCss);
    const utilities = KERN_UTILITIES.map((u) => found.filter((p) => u.selector.test(normal(p.selector))));
    KERN_UTILITIES.forEach((u, i) =>
      expect([u.selector.source, utilities[i].length]).toEqual([u.selector.source, u.count]),
    );
    const components = [...new Set(found.filter((p) => !utilities.flat().includes(p)).map(key))].sort();
    // A new rule of a KERN update shows here: review it and add it to KERN_REVIEWED.
    expect(components.filter((k) => !(k in KERN_REVIEWED))).toEqual([]);
    // A rule KERN dropped leaves the list.
    expect(Object.keys(KERN_REVIEWED).filter((k) => !components.includes(k))).toEqual([]);

    // Each mirrored rule has its `[dir='rtl']` twin in app.css, with a logical property of its kind.
    const overrides = new Map<string, Set<string>>();
    postcss.parse(appCss).walkRules((rule: Rule) => {
      for (const selector of rule.selectors.map(normal)) {
        const declared = overrides.get(selector) ?? new Set<string>();
        rule.each((node) => {
          if (node.type === 'decl') declared.add(node.prop.toLowerCase());
        });
        overrides.set(selector, declared);
      }
    });
    const missing = Object.entries(KERN_REVIEWED)
      .filter(([, review]) => review === 'mirrored')
      .map(([k]) => k)
      .filter((k) => {
        const [, selector, property] = /^(.*) \{ (.*) \}$/.exec(k) ?? [];
        const logical = LOGICAL.find(([physicalProperty]) => physicalProperty.test(property))?.[1];
        const declared = overrides.get(`[dir=rtl] ${selector}`);
        return !logical || ![...(declared ?? [])].some((p) => logical.test(p));
      });
    expect(missing).toEqual([]);

    // The tick inside the checkbox is placed from the box's left side: the box keeps that direction.
    const ltr = [
      ...new Set(Object.values(KERN_REVIEWED).flatMap((r) => (typeof r === 'object' && 'ltr' in r ? [r.ltr] : []))),
    ];
    expect(ltr.filter((selector) => !overrides.get(`[dir=rtl] ${selector}`)?.has('direction'))).toEqual([]);
  });

  it('uses none of the KERN classes whose sides are left as they are', () => {
    const html = markup();
    const unused = [
      ...new Set(
        Object.values(KERN_REVIEWED).flatMap((r) => (typeof r === 'object' && 'unused' in r ? [r.unused] : [])),
      ),
    ];
    expect(unused.filter((name) => new RegExp(`\\b${name}`).test(html))).toEqual([]);
    expect(KERN_UTILITIES.filter((u) => u.unused.test(html)).map((u) => u.unused.source)).toEqual([]);
  });
});
