import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const LIBS = readdirSync(join(ROOT, 'libs')).filter((name) => statSync(join(ROOT, 'libs', name)).isDirectory());

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Which lib imports which, read from the code: `lib --> other` for every `@openrathaus/other` import. */
function importEdges(): string[] {
  const edges = new Set<string>();
  for (const lib of LIBS) {
    for (const file of sources(join(ROOT, 'libs', lib, 'src'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/from '@openrathaus\/([a-z0-9-]+)'/g)) {
        if (match[1] !== lib) edges.add(`${lib} --> ${match[1]}`);
      }
    }
  }
  return [...edges].sort();
}

/** The edges of the Mermaid diagram in docs/architecture.md. */
function documentedEdges(): string[] {
  const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
  const block = /```mermaid\n(graph [A-Z]{2}\n[\s\S]*?)```/.exec(doc)?.[1] ?? '';
  return [...block.matchAll(/^\s*([a-z0-9-]+) --> ([a-z0-9-]+)\s*$/gm)].map((m) => `${m[1]} --> ${m[2]}`).sort();
}

describe('the documented architecture', () => {
  it('draws the libs and their dependencies as the code imports them', () => {
    // On a difference, the expected diagram's lines are in the message: paste them into the doc.
    expect(documentedEdges()).toEqual(importEdges());
  });

  it('lists every lib in the README layout', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const layout = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    const listed = [...layout.matchAll(/^libs\/([a-z0-9-]+)/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual([...LIBS].sort());
  });

  it('reads the libs it checks from the tree', () => {
    // A guard for the two tests above: an empty tree would make them pass for nothing.
    expect(LIBS.length).toBeGreaterThan(10);
    expect(importEdges().length).toBeGreaterThan(20);
    expect(relative(ROOT, join(ROOT, 'libs'))).toBe('libs');
  });
});
