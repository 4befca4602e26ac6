// Lint: typescript-eslint strict-ish, React hooks, Next rules, and the layering of STYLE.md.
import js from '@eslint/js';
import nextPlugin from '@next/eslint-plugin-next';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const noIo = {
  patterns: [
    { group: ['rxdb', 'rxdb/*', 'dexie'], message: 'Only lib/db imports rxdb.' },
    { group: ['react', 'react-dom', 'next', 'next/*'], message: 'lib/core is pure.' },
    { group: ['node:*', 'fs', 'net', 'http', 'https'], message: 'lib/core does no I/O.' },
  ],
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.next/**',
      'out/**',
      'data/**',
      'public/sw.js',
      'next-env.d.ts',
      'coverage/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      'no-empty': ['error', { allowEmptyCatch: false }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks, '@next/next': nextPlugin },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...nextPlugin.configs.recommended.rules,
      ...nextPlugin.configs['core-web-vitals'].rules,
    },
  },
  {
    files: [
      'app/**',
      'components/**',
      'lib/platform/**',
      'lib/core/**',
      'lib/schema/**',
      'sync-server/**',
      'print-bridge/**',
    ],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [{ group: ['rxdb', 'rxdb/*', 'dexie'], message: 'Only lib/db imports rxdb.' }],
        },
      ],
    },
  },
  {
    files: ['lib/core/**/*.ts', 'lib/schema/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', noIo] },
  },
);
