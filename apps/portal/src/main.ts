import 'reflect-metadata';
import { AppConfig, loadConfig } from '@openrathaus/core';
import { startPortal } from './portal';

const banner = (config: AppConfig): string => {
  const at = (host: string) => `http://${host}:${config.port}`;
  const lines = config.devHosts
    ? [
        `OpenRathaus portal – open these in your browser:`,
        `  all portals            ${at('localhost')}`,
        `  Gelsenkirchen          ${at('gelsenkirchen.localhost')}`,
        `  Recklinghausen         ${at('recklinghausen.localhost')}`,
        `  Region Emscher-Lippe   ${at('emscher-lippe.localhost')}`,
        `  API documentation      ${at('gelsenkirchen.localhost')}/api/docs`,
        `  health                 ${at('localhost')}/health`,
      ]
    : [`OpenRathaus portal on ${config.host}:${config.port}`];
  const mode = config.embedded ? `embedded database in ${config.dataDir}` : 'PostgreSQL from DATABASE_URL';
  return [...lines, `  (${mode}; queues on ${config.redisUrl ? 'Redis' : 'PostgreSQL'})`, ''].join('\n');
};

async function main(): Promise<void> {
  const config = loadConfig();
  process.stdout.write(banner(config));
  await startPortal(config);
  process.stdout.write('Ready.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`The portal could not start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
