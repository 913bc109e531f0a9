import { visualLine } from './pdf-script';

describe('visualLine', () => {
  it('keeps a left-to-right line as it is', () => {
    expect(visualLine('Gebühr: 30,70 €')).toEqual({ rtl: false, runs: [{ text: 'Gebühr: 30,70 €', rtl: false }] });
  });

  it('orders an Arabic line right to left, with the plate and the amount left to right inside', () => {
    const line = visualLine('اللوحة \u2066RE-AB 123\u2069 والرسم \u206630,70 €\u2069');
    expect(line.rtl).toBe(true);
    // Drawn from the left: the amount (read last), then the words, the plate, the first word.
    expect(line.runs.map((r) => r.text)).toEqual(['30,70 €', ' والرسم ', 'RE-AB 123', 'اللوحة ']);
    expect(line.runs.map((r) => r.rtl)).toEqual([false, true, false, true]);
  });

  it('leaves brackets in a right-to-left run to the shaper, which mirrors them', () => {
    const line = visualLine('الرسم (مجاني)', 'rtl');
    expect(line.runs).toEqual([{ text: 'الرسم (مجاني)', rtl: true }]);
  });
});
