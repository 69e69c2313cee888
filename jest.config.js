// One jest run covers unit specs (*.spec.ts beside the code), integration specs
// (*.int-spec.ts, real PostgreSQL/Redis/S3-compatible storage) and end-to-end specs
// (test/*.e2e-spec.ts, the built api and worker as real processes).
const swc = JSON.parse(require('fs').readFileSync(`${__dirname}/.swcrc`, 'utf8'));

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testRegex: '(\\.spec|\\.int-spec|\\.e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // dist/package.json (written by the build) would otherwise collide with the root one.
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/bench/.build/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swc, swcrc: false }] },
  moduleNameMapper: {
    '^@hivehub/(backup|common|config|db|jobs|shard|storage)$': '<rootDir>/libs/$1/src',
  },
  globalSetup: '<rootDir>/test/setup/global-setup.ts',
  globalTeardown: '<rootDir>/test/setup/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
