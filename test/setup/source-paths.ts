// Jest loads a global setup with Node's own resolver, which knows nothing of moduleNameMapper: this
// maps @openrathaus/* to the libs' sources, as tools/register-paths.cjs maps them to dist/ at run time.
import Module from 'node:module';
import { join } from 'node:path';

const root = join(__dirname, '..', '..');
const hooked = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
const resolve = hooked._resolveFilename.bind(Module);
hooked._resolveFilename = (request: string, ...rest: unknown[]) => {
  if (!request.startsWith('@openrathaus/')) return resolve(request, ...rest);
  const lib = request.slice('@openrathaus/'.length);
  return resolve(join(root, lib === 'migrations' ? 'migrations' : join('libs', lib, 'src'), 'index.ts'), ...rest);
};
