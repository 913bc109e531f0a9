// Resolves the workspace's @openrathaus/* aliases to the compiled libs in dist/ at run time.
const path = require('node:path');
const Module = require('node:module');

const dist = path.resolve(__dirname, '..', 'dist');
const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, ...rest) {
  if (request.startsWith('@openrathaus/')) {
    const lib = request.slice('@openrathaus/'.length);
    const target =
      lib === 'migrations'
        ? path.join(dist, 'migrations', 'index.js')
        : path.join(dist, 'libs', lib, 'src', 'index.js');
    return originalResolve.call(this, target, ...rest);
  }
  return originalResolve.call(this, request, ...rest);
};
