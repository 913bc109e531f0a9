/**
 * Every benchmark of bench/ in its short form (`--short`: a few seconds, a few tenants), so that
 * none stops working unseen; the figures of docs/performance.md come from the full forms. Each
 * must run to its report: exit 0, its table on stdout, its JSON (and charts) in the results
 * folder. The fault harness has its own test (faults.e2e.ts). Timing is never asserted.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { bareEnv } from '../support';

const ROOT = projectRoot();
/** How long a short form may take on a busy machine; the test's limit is a minute more. */
const LIMIT_MS = 540_000;
const TEST_MS = LIMIT_MS + 60_000;

function runBenchmark(
  script: string,
  results: string,
  args: string[] = [],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // No pinning: the tests share the cores, and which core a process runs on is the full form's concern.
    const child = spawn(process.execPath, [join(ROOT, 'bench', script), '--short', ...args], {
      cwd: ROOT,
      // The benchmarks find PostgreSQL and Redis on their defaults (127.0.0.1); nothing of the tests leaks in.
      env: { ...bareEnv(), BENCH_RESULTS_DIR: results },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    // A benchmark that hangs is stopped (it cleans up on SIGTERM) before the test's own limit.
    const timer = setTimeout(() => {
      stderr += `\nstopped after ${LIMIT_MS / 1000} s`;
      child.kill('SIGTERM');
    }, LIMIT_MS);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Exit 0, or the end of what the benchmark said. */
const outcome = ({ code, stdout, stderr }: { code: number | null; stdout: string; stderr: string }) => ({
  code,
  output: code === 0 ? '' : (stdout + stderr).slice(-4000),
});

describe('the benchmarks in their short form', () => {
  let results: string;

  beforeAll(() => {
    // The benchmarks run the compiled apps; the incremental build is quick when dist/ is current.
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    results = mkdtempSync(join(tmpdir(), 'or-bench-short-'));
  }, 300_000);

  afterAll(() => rmSync(results, { recursive: true, force: true }));

  const written = (pattern: RegExp) => readdirSync(results).filter((f) => pattern.test(f));

  it(
    'bench (home page against bare Fastify, with a browser’s Accept-Encoding and none) reports both ratios',
    async () => {
      const run = await runBenchmark('run.mjs', results, ['--no-pin']);
      expect(outcome(run)).toEqual({ code: 0, output: '' });
      expect(run.stdout).toMatch(/\| bare Fastify hello-world \|/);
      expect(run.stdout).toMatch(/Accept-Encoding: gzip, deflate, br, zstd: portal \/ bare hello-world [\d.]+ %/);
      expect(run.stdout).toMatch(/no Accept-Encoding: portal \/ bare hello-world [\d.]+ %/);
      expect(written(/^home-.*-throughput\.svg$/)).toHaveLength(1);
      expect(written(/^home-.*-latency\.svg$/)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'bench:catalog (demo tenants, then synthetic ones synced by the CLI) runs to its report',
    async () => {
      const run = await runBenchmark('catalog.mjs', results, ['--no-pin']);
      expect(outcome(run)).toEqual({ code: 0, output: '' });
      expect(run.stdout).toMatch(/sync of 20 new tenants/);
      expect(run.stdout).toMatch(/\| page `GET \/leistungen` \| 37 \|/);
      expect(written(/^catalog-.*\.json$/)).toHaveLength(1);
      expect(written(/^catalog-.*-throughput\.svg$/)).toHaveLength(1);
      expect(written(/^catalog-.*-latency\.svg$/)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'bench:journey (steady submissions and their documents, a burst, whole journeys) loses no citizen',
    async () => {
      const run = await runBenchmark('journey.mjs', results);
      expect(outcome(run)).toEqual({ code: 0, output: '' });
      expect(run.stdout).toMatch(/\| documents in the worker .* \| [\d.]+ \| [\d.]+ \|/);
      expect(run.stdout).toMatch(
        /burst: 6 citizens within 3 s, done in [\d.]+ s: 6 submitted, 6 stored as paid, 0 lost/,
      );
      expect(run.stdout).toMatch(/journeys: 3 citizens at once, 3 completed, 0 failed/);
      expect(run.stdout).toMatch(/\| download permit \| 3 \|/);
      expect(written(/^journey-.*\.json$/)).toHaveLength(1);
      expect(written(/^journey-.*-latency\.svg$/)).toHaveLength(1);
    },
    TEST_MS,
  );

  it(
    'bench:inbox (the back office inbox) runs to its report',
    async () => {
      const run = await runBenchmark('inbox.mjs', results);
      expect(outcome(run)).toEqual({ code: 0, output: '' });
      expect(written(/^inbox-.*\.json$/)).toHaveLength(1);
    },
    TEST_MS,
  );
});
