// Lint rules that catch what the type checker does not: floating promises above all.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/e2e/.vscode-server/**', 'test/fixtures/**', 'sensor/bpf/**', '**/*.mjs', '**/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test collects these itself; awaiting them at the top level would serialise nothing.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['test', 'it', 'describe', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'Use named exports.' }],
    },
  },
  {
    // The rooms' boundaries: only arrows into core/.
    files: ['core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['vscode', 'ws', 'node:*', '**/extension/**', '**/server/**', '**/sensor/**', '**/webview/**'] }],
    },
  },
  {
    files: ['extension/**/*.ts', 'server/**/*.ts', 'sensor/**/*.ts', 'webview/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['**/../extension/**', '**/../server/**', '**/../sensor/**', '**/../webview/**', '**/test/**'] }],
    },
  },
  {
    files: ['server/**/*.ts', 'core/**/*.ts', 'sensor/**/*.ts', 'webview/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: ['vscode'], patterns: ['**/../extension/**', '**/../webview/**'] }] },
  },
);
