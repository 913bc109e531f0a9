// `npm test`: every check a change must pass, in the order that fails fastest.
// Type check, lint (type-aware, Nx module boundaries), formatting, then Jest: unit, end-to-end, browser.
// End-to-end and browser tests need PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379;
// `.ci/run` starts both when they are down.
import { spawnSync } from 'node:child_process';

const steps = [
  ['type check', 'npx', ['tsc', '-p', 'tsconfig.json']],
  ['type check of the benchmarks', 'npx', ['tsc', '-p', 'bench/tsconfig.json']],
  // The module-boundary lint rule reads Nx's project graph; compute it first (no daemon in CI).
  ['project graph', 'npx', ['nx', 'show', 'projects']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['format', 'npx', ['prettier', '--check', '.', '--log-level', 'warn']],
  ['tests', 'npx', ['jest', '--maxWorkers=2', ...process.argv.slice(2)]],
];

for (const [name, command, args] of steps) {
  process.stdout.write(`\n== ${name}: ${command} ${args.join(' ')}\n`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      NX_DAEMON: 'false',
      // PGlite loads its WebAssembly with a dynamic import, which Jest's module VM allows only with this flag.
      NODE_OPTIONS: [process.env.NODE_OPTIONS, '--experimental-vm-modules', '--no-warnings=ExperimentalWarning']
        .filter(Boolean)
        .join(' '),
    },
  });
  if (result.status !== 0) {
    process.stdout.write(`\n${name} failed\n`);
    process.exit(result.status ?? 1);
  }
}
