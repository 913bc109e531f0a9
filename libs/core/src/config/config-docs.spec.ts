import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../project-root';
import { CONFIG_VARIABLES } from './app-config';

/** The variables named in the first column of the README's settings table. */
function documentedVariables(): string[] {
  const readme = readFileSync(join(projectRoot(), 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  expect(start).toBeGreaterThanOrEqual(0);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .map((line) => line.split('|')[1])
    .flatMap((cell) => [...cell.matchAll(/`([A-Z][A-Z0-9_<>]*)`/g)].map((m) => m[1]));
}

describe("the README's settings table", () => {
  const documented = documentedVariables();
  const known = CONFIG_VARIABLES.map((v) => v.name);

  it('documents every variable the configuration reads', () => {
    expect(known.filter((name) => !documented.includes(name))).toEqual([]);
  });

  it('lists every variable loadConfig reads', () => {
    const source = readFileSync(join(__dirname, 'app-config.ts'), 'utf8');
    const read = [...new Set([...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]))];
    expect(read.length).toBeGreaterThan(30);
    expect(read.filter((name) => !known.includes(name))).toEqual([]);
  });

  it('names no variable the configuration does not read', () => {
    expect(documented.filter((name) => !known.includes(name))).toEqual([]);
  });
});
