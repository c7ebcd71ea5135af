// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/** Packages that are framework, database or transport code: never inside libs/events or libs/domain. */
const INFRASTRUCTURE = [
  '@nestjs/*',
  'pg',
  'pg-*',
  'ioredis',
  'bullmq',
  'class-validator',
  'class-transformer',
  '@electric-sql/*',
  'fastify',
  '@fastify/*',
  'ajv',
  'pino',
  'prom-client',
];

const noDeepImports = {
  group: ['@ledger/*/*', '**/libs/**', '**/apps/**'],
  message: 'Import a library through its alias (@ledger/x); its index.ts is its only public face.',
};

/** style.md, "Dependency direction": libs/events ← libs/domain ← the other libs ← apps/*, never app to app; libs/transparency stands alone. */
const dependencyDirection = [
  {
    files: ['libs/events/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@ledger/*'], message: 'libs/events imports nothing of ours.' },
            { group: INFRASTRUCTURE, message: 'No framework or database code in libs/events.' },
            noDeepImports,
          ],
        },
      ],
    },
  },
  {
    files: ['libs/domain/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@ledger/*', '!@ledger/events'], message: 'libs/domain imports only @ledger/events.' },
            {
              group: INFRASTRUCTURE,
              message: 'No framework or database code in libs/domain: deciders are pure.',
            },
            noDeepImports,
          ],
        },
      ],
    },
  },
  {
    files: ['libs/transparency/src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ledger/*'],
              message: 'libs/transparency is pure RFC 9162 and signed-note code: it imports nothing of ours.',
            },
            { group: INFRASTRUCTURE, message: 'No framework or database code in libs/transparency.' },
            noDeepImports,
          ],
        },
      ],
    },
  },
  ...['store', 'runtime', 'projections'].map((library) => ({
    files: [`libs/${library}/src/**/*.ts`],
    ignores: ['**/*.spec.ts', '**/*.int-spec.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: [`@ledger/${library}`], message: 'Inside a library, import its own files directly.' },
            noDeepImports,
          ],
        },
      ],
    },
  })),
  {
    // The console talks to the ledger only through its public HTTP API, like any other client.
    files: ['apps/console/**/*.ts', 'apps/console/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@ledger/*', '../../../libs/**', '../../../apps/**', '**/libs/**'],
              message:
                'The console uses only the public HTTP API: no code of the ledger’s own (its RFC 9162 verifier is its own too).',
            },
            { group: INFRASTRUCTURE, message: 'The console runs in a browser.' },
          ],
        },
      ],
    },
  },
  ...['ledger', 'projections', 'cli'].map((app) => ({
    files: [`apps/${app}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../../*/src/**', '../../../apps/**'],
              message: 'Apps never import each other: move shared code into a library.',
            },
            noDeepImports,
          ],
        },
      ],
    },
  })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'data/**', 'coverage/**'] },
  eslint.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/console/**/*.tsx', 'apps/console/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    // The rules of hooks; the plugin's React Compiler rules assume the compiler, which the console does not use.
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      globals: {
        require: 'readonly',
        module: 'writable',
        process: 'readonly',
        __dirname: 'readonly',
        console: 'readonly',
        URL: 'readonly',
      },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  ...dependencyDirection,
  prettier,
);
