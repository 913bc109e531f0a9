import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '@openrathaus/core';
import { TenantFolder, copyDemoTenants } from '@openrathaus/testing';
import { cli } from '../support';

const FIXTURES = join(projectRoot(), '..', 'shared', 'fixtures', 'xdatenfelder');

describe('processes import-xdf', () => {
  let folder: TenantFolder;
  beforeEach(() => (folder = copyDemoTenants()));
  afterEach(() => folder.remove());

  it.each([
    ['v3/simple.xml', 'anschrift', ['F60000000243']],
    ['v2/simple.xml', 'einfach', []],
    ['v2/label.xml', 'hinweis', []],
    ['v2/select.xml', 'auswahl', []],
  ])('imports %s into a draft that passes validation', async (fixture, key, expectedIds) => {
    const out = join(folder.dir, 'dueren', 'processes', key, 'draft.yaml');
    const result = await cli(['processes', 'import-xdf', join(FIXTURES, fixture), '--key', key, '--out', out]);
    expect(result.code).toBe(0);
    expect(result.out).toMatch(/^draft written to .*draft\.yaml: \d+ fields on \d+ pages$/);
    const draft = parse(readFileSync(out, 'utf8')) as { key: string; form: { pages: unknown[] } };
    expect(draft.key).toBe(key);
    for (const id of expectedIds) expect(readFileSync(out, 'utf8')).toContain(`id: ${id}`);
    // The draft is checked like any definition, and a draft is never published.
    const validate = await cli(['tenants', 'validate', folder.dir]);
    expect(validate.err).toBe('');
    expect(validate.code).toBe(0);
  });

  it('keeps the JavaScript rules of a schema as notes, never as rules', async () => {
    const out = join(folder.dir, 'dueren', 'processes', 'anschrift', 'draft.yaml');
    await cli(['processes', 'import-xdf', join(FIXTURES, 'v3', 'simple.xml'), '--key', 'anschrift', '--out', out]);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('Skript (JavaScript, wird nicht ausgeführt)');
    expect(text).not.toMatch(/visibleIf|requiredIf|validations/);
  });

  it.each([
    ['v3/unknown-namespace.xml', 'Unknown namespace'],
    ['v3/missing-id-node.xml', 'Required element "id" is missing'],
    ['v3/duplicate-id-node.xml', '"id" appears more than once'],
    ['v3/invalid-freigabestatus.xml', 'Invalid freigabestatus "10"'],
    ['v3/unexpected-node.xml', 'Unexpected element "unknown"'],
    ['v2/duplicate-required-value.xml', '"name" appears more than once'],
  ])('refuses %s with the XML path and the reason', async (fixture, reason) => {
    const out = join(folder.dir, 'dueren', 'processes', 'kaputt', 'draft.yaml');
    const result = await cli(['processes', 'import-xdf', join(FIXTURES, fixture), '--out', out]);
    expect(result.code).toBe(1);
    expect(result.err).toContain(reason);
    expect(result.err).toMatch(/\.xml: xdatenfelder\.[a-z0-9.]+(\/\S*)?: /);
    expect(result.err).toContain('nichts importiert');
    expect(existsSync(out)).toBe(false);
  });
});
