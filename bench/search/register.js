// Lets `node -r ./bench/search/register.js bench/search/main.ts` run the benchmark's
// TypeScript (and libs/*, loaded through the @hivehub/* aliases of tsconfig.json)
// without a build step: @swc/core compiles each .ts file on require, with the
// repository's .swcrc, the same transform jest uses.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const Module = require('node:module');
const swc = require('@swc/core');

const ROOT = path.resolve(__dirname, '../..');
const swcrc = JSON.parse(fs.readFileSync(path.join(ROOT, '.swcrc'), 'utf8'));
const tsconfig = JSON.parse(fs.readFileSync(path.join(ROOT, 'tsconfig.json'), 'utf8'));
const aliases = new Map(
  Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => [name, path.join(ROOT, target)]),
);

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolve(request, parent, ...rest) {
  const target = aliases.get(request);
  return originalResolve.call(this, target ?? request, parent, ...rest);
};

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...swcrc, swcrc: false, filename, sourceMaps: 'inline' });
  module._compile(code, filename);
};
process.setSourceMapsEnabled?.(true);
