// `npm run build` (and so `npm start`): compiles apps/, libs/ and migrations/ into dist/ with
// TypeScript's incremental build, and skips it when dist/ is up to date.
//
// Up to date means: the build info exists, and no input (a .ts file of the build, a tsconfig,
// package-lock.json) is newer than it, and the set of inputs is the one of the last build (a file
// deleted or added since counts as a change). Checking that takes a few milliseconds; even an
// incremental `tsc` that finds nothing to do reads every file and takes seconds.
// The first build of a fresh clone says what it does and how long it took.
//
//   node scripts/build.mjs [--force]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_INFO = join(ROOT, 'dist', '.tsbuildinfo');
/** The inputs of the last build that went through: their count and a fingerprint of their names. */
const STAMP = join(ROOT, 'dist', '.build-inputs.json');
const SOURCE_DIRS = ['apps', 'libs', 'migrations'];
const CONFIGS = ['tsconfig.build.json', 'tsconfig.base.json', 'package-lock.json'];

/** Every input of the build (as tsconfig.build.json includes them), with the newest modification time. */
function inputs() {
  const files = [];
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules' && !(dir === join(ROOT, 'libs') && entry.name === 'testing')) walk(path);
      } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
        files.push(relative(ROOT, path));
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  for (const dir of SOURCE_DIRS) walk(join(ROOT, dir));
  for (const file of CONFIGS) {
    if (existsSync(join(ROOT, file))) newest = Math.max(newest, statSync(join(ROOT, file)).mtimeMs);
  }
  files.sort();
  return { files, newest };
}

const fingerprint = (files) => {
  let hash = 0;
  for (const file of files) for (let i = 0; i < file.length; i++) hash = (hash * 31 + file.charCodeAt(i)) | 0;
  return { count: files.length, hash };
};

function upToDate(current) {
  if (!existsSync(BUILD_INFO) || !existsSync(STAMP)) return false;
  if (current.newest > statSync(BUILD_INFO).mtimeMs) return false;
  try {
    const last = JSON.parse(readFileSync(STAMP, 'utf8'));
    const now = fingerprint(current.files);
    return last.count === now.count && last.hash === now.hash;
  } catch {
    return false;
  }
}

const started = performance.now();
// The inputs as they are now: one changed while tsc runs is newer than the build info, and builds next time.
const readAt = new Date();
const current = inputs();
if (!process.argv.includes('--force') && upToDate(current)) {
  process.stdout.write(`build: dist/ is up to date (${current.files.length} files checked)\n`);
  process.exit(0);
}

const first = !existsSync(BUILD_INFO);
process.stdout.write(
  first
    ? `build: first build, compiling ${current.files.length} TypeScript files into dist/ ` +
        '(type check included; later starts compile only what changed, or nothing)\n'
    : `build: compiling what changed since the last build into dist/\n`,
);
const require = createRequire(join(ROOT, 'package.json'));
const tsc = require.resolve('typescript/bin/tsc');
const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
// On a first build, a line every five seconds, so that a quiet terminal is not taken for a hang.
const ticker = first
  ? setInterval(
      () => process.stdout.write(`build: still compiling (${Math.round((performance.now() - started) / 1000)} s)\n`),
      5000,
    )
  : undefined;
child.on('error', (error) => {
  clearInterval(ticker);
  process.stderr.write(`build: could not run tsc: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code) => {
  clearInterval(ticker);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code !== 0) {
    process.stderr.write(`build: tsc failed after ${seconds} s\n`);
    process.exit(code ?? 1);
  }
  // tsc leaves the build info untouched when no output changed (e.g. only a comment did): its time
  // is set to when the inputs were read, so that the next start finds it up to date.
  if (existsSync(BUILD_INFO)) utimesSync(BUILD_INFO, readAt, readAt);
  writeFileSync(STAMP, JSON.stringify(fingerprint(current.files)) + '\n');
  process.stdout.write(`build: done in ${seconds} s\n`);
});
