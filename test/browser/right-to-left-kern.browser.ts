/// <reference lib="dom" />
/**
 * KERN's components in a right-to-left page, with KERN's stylesheet and the portal's mirroring of
 * it (libs/web/assets/app.css): measured in Chromium, left to right as KERN draws them and right to
 * left as app.css mirrors them. The list of what is mirrored is libs/web/src/stylesheet-direction.spec.ts.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { ROOT, SHOTS, launchChromium } from './browser-support';

const KERN = readFileSync(join(ROOT, 'node_modules', '@kern-ux', 'native', 'dist', 'kern.min.css'), 'utf8');
const APP = readFileSync(join(ROOT, 'libs', 'web', 'assets', 'app.css'), 'utf8');

/** The components as the portal's partials write them. */
const BODY = `
<main class="kern-container" style="max-width:40rem">
  <fieldset class="kern-fieldset kern-fieldset--error" id="fieldset">
    <legend class="kern-label" id="legend">الاختيار</legend>
    <p class="kern-hint">اختر واحدا</p>
    <div class="kern-fieldset__body">
      <div class="kern-form-check kern-form-check--error" id="check">
        <input class="kern-form-check__checkbox kern-form-check__checkbox--error" type="checkbox" id="box" checked>
        <label class="kern-label" for="box" id="box-label">أوافق على الشروط</label>
      </div>
    </div>
  </fieldset>
  <div class="kern-form-input kern-form-input--error" id="input">
    <label class="kern-label" for="office">المكتب</label>
    <div class="kern-form-input__select-wrapper" id="wrapper">
      <select class="kern-form-input__select" id="office"><option>مكتب المواطنين</option></select>
    </div>
  </div>
  <ul class="kern-list kern-list--bullet" id="list"><li>الأول</li><li>الثاني</li></ul>
  <span class="kern-badge kern-badge--info" id="badge"><span class="kern-icon kern-icon--info" aria-hidden="true"></span><span class="kern-label" id="badge-label">جديد</span></span>
  <table class="kern-table"><tbody class="kern-table__body"><tr class="kern-table__row"><td class="kern-table__cell" id="cell">خلية</td></tr></tbody></table>
</main>`;

const page = (dir: 'ltr' | 'rtl') =>
  `<!doctype html><html lang="${dir === 'rtl' ? 'ar' : 'de'}" dir="${dir}"><head><meta charset="utf-8"><style>${KERN}</style><style>${APP}</style></head>` +
  `<body class="kern-ux">${BODY}</body></html>`;

/** Where an element is and the sides of its box. */
const measure = (p: Page, id: string, pseudo?: string) =>
  p.evaluate(
    ([id, pseudo]) => {
      const el = document.getElementById(id)!;
      const s = getComputedStyle(el, pseudo);
      const r = el.getBoundingClientRect();
      return {
        left: r.left,
        right: r.right,
        paddingLeft: s.paddingLeft,
        paddingRight: s.paddingRight,
        borderLeft: s.borderLeftWidth,
        borderRight: s.borderRightWidth,
        insetLeft: s.left,
        insetRight: s.right,
        textAlign: s.textAlign,
      };
    },
    [id, pseudo] as const,
  );

describe("KERN's components right to left", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const open = async (dir: 'ltr' | 'rtl') => {
    const p = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await p.setContent(page(dir));
    return p;
  };

  it('draws them as KERN does left to right', async () => {
    const p = await open('ltr');
    expect(await measure(p, 'box-label')).toMatchObject({ paddingLeft: '16px', paddingRight: '0px' });
    expect((await measure(p, 'box')).right).toBeLessThanOrEqual((await measure(p, 'box-label')).left + 1);
    expect(await measure(p, 'check')).toMatchObject({ borderLeft: '4px', borderRight: '0px' });
    expect(await measure(p, 'wrapper', '::after')).toMatchObject({ insetRight: '16px' });
    expect(await measure(p, 'list')).toMatchObject({ paddingLeft: '32px', paddingRight: '0px' });
    await p.close();
  });

  it('mirrors them right to left: box before the text, error bar, legend, arrow, bullets and cells on the right', async () => {
    const p = await open('rtl');
    mkdirSync(SHOTS, { recursive: true });
    await p.screenshot({ path: join(SHOTS, 'kern-right-to-left.png'), fullPage: true });
    const box = await measure(p, 'box');
    const label = await measure(p, 'box-label');
    // The box on the right, the gap between it and the text.
    expect(box.left).toBeGreaterThanOrEqual(label.right - 1);
    expect(label).toMatchObject({ paddingRight: '16px', paddingLeft: '0px' });
    for (const id of ['check', 'fieldset', 'input']) {
      expect([id, await measure(p, id)]).toEqual([
        id,
        expect.objectContaining({ borderRight: '4px', borderLeft: '0px' }),
      ]);
    }
    // The legend starts where the fieldset's content starts: on the right.
    const fieldset = await measure(p, 'fieldset');
    const legend = await measure(p, 'legend');
    expect(Math.abs(fieldset.right - 4 - 16 - legend.right)).toBeLessThan(2);
    // The arrow 16px from the left (its right is then resolved from the box's width, not 16px).
    const arrow = await measure(p, 'wrapper', '::after');
    expect(arrow.insetLeft).toBe('16px');
    expect(arrow.insetRight).not.toBe('16px');
    expect(await measure(p, 'office')).toMatchObject({ paddingLeft: '40px', paddingRight: '16px' });
    expect(await measure(p, 'list')).toMatchObject({ paddingRight: '32px', paddingLeft: '0px' });
    expect(await measure(p, 'badge-label')).toMatchObject({ paddingRight: '4px', paddingLeft: '0px' });
    expect((await measure(p, 'cell')).textAlign).toBe('start');
    await p.close();
  });

  it('draws the ticked checkbox the same both ways: the tick stays inside the box', async () => {
    const pixels = async (dir: 'ltr' | 'rtl') => {
      const p = await open(dir);
      const shot = PNG.sync.read(await p.locator('#box').screenshot());
      await p.close();
      return shot.data;
    };
    expect(Buffer.compare(await pixels('ltr'), await pixels('rtl'))).toBe(0);
  });
});
