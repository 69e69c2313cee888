// Lets a plain `node` child process load the engine's TypeScript sources: compiles
// each required .ts file with @swc/core (already a dev dependency) on the fly.
// Used by the crash test's child process and the benchmark script.
const fs = require('fs');
const swc = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  });
  module._compile(code, filename);
};
