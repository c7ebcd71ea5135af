/**
 * One configuration for every suite. `LEDGER_TEST_BACKEND` picks the journal the integration and
 * end-to-end suites run against: `pglite` (npm test, no service needed) or `postgres`
 * (npm run test:services, with DATABASE_URL and REDIS_URL).
 */
const { readFileSync } = require('node:fs');
const swcrc = JSON.parse(readFileSync(`${__dirname}/.swcrc`, 'utf8'));

const backend = process.env.LEDGER_TEST_BACKEND ?? 'pglite';
const servicesOnly = backend === 'postgres';

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false }] },
  moduleNameMapper: {
    '^@ledger/(events|domain|store|runtime|projections|transparency)$': '<rootDir>/libs/$1/src',
  },
  // Unit suites do not depend on the backend, so the services run repeats only what does;
  // `*.services-spec.ts` need a real PostgreSQL or Redis (a Redis of their own, say) and run only there.
  testRegex: servicesOnly
    ? '\\.(int-spec|e2e-spec|services-spec)\\.ts$'
    : '\\.(spec|int-spec|e2e-spec)\\.ts$',
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  setupFilesAfterEnv: ['<rootDir>/test/support/share-the-machine.ts'],
  testTimeout: 30_000,
  maxWorkers: 2,
};
