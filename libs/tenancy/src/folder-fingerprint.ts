import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/**
 * A hash of every file below `dir` (path and content, in a fixed order) and of `extra`. Reading
 * 11,000 small files and hashing them costs a fraction of parsing and validating them.
 */
export function folderFingerprint(dir: string, extra = ''): string {
  const hash = createHash('sha256').update(extra).update('\0');
  const files: string[] = [];
  const walk = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(dir);
  // The same order on every machine, whatever the file system lists first.
  const named = files.map((path) => ({ path, name: relative(dir, path).split(sep).join('/') }));
  named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const { path, name } of named) {
    let content: Buffer;
    try {
      content = readFileSync(path);
    } catch (error) {
      // A file that cannot be read is the sync's to report, for its tenant alone; here it only
      // makes the fingerprint differ, so that the sync runs.
      content = Buffer.from(`unreadable: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    hash.update(name).update('\0').update(String(content.length)).update('\0').update(content);
  }
  return hash.digest('hex');
}

const code = new Map<string, string>();

/**
 * The hash of a lib's own code folder, once per process: a new version of the code that reads and
 * checks tenant files may judge the same files differently, so it syncs again.
 */
export function codeFingerprint(dir: string): string {
  let hash = code.get(dir);
  if (!hash) code.set(dir, (hash = folderFingerprint(dir)));
  return hash;
}
