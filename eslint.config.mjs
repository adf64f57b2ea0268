// Lint rules that catch what the type checker does not: floating promises above all, and the
// rooms' boundaries (docs: /README.md "Architecture in a few lines").
//
// Flat config REPLACES a rule's options when two blocks match the same file (the last one wins;
// nothing is merged), so each room's import restriction is written once, in one block per room,
// and the blocks' `files` never overlap. test/unit/lint-boundaries.test.ts proves that a forbidden
// import fails in every room.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ROOMS = ['core', 'sensor', 'extension', 'server', 'webview'];
/** Relative imports into another room, e.g. `../../server/src/x` from extension/. */
const intoRooms = (rooms) => rooms.map((room) => ({ group: [`**/../${room}/**`], message: `Only arrows into core/: this room may not import ${room}/.` }));
const testCode = { group: ['**/test/**', '**/bench/**'], message: 'Product code never imports tests or benchmarks.' };
const banned = (names, why) => names.map((name) => ({ name, message: why }));

/** One block per room: everything that room may not import, in one place. */
function room(name, { paths = [], patterns = [] }) {
  const others = ROOMS.filter((r) => r !== name && r !== 'core');
  return {
    files: [`${name}/**/*.ts`],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns: [...intoRooms(others), testCode, ...patterns] }],
    },
  };
}

const NOT_VSCODE = 'Only extension/ talks to VS Code.';
const NOT_CLIENT = 'The language client lives in extension/ only.';
const NOT_SERVER_LIB = 'The language-server library lives in server/ only.';

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
  room('core', {
    paths: banned(['vscode', 'ws', 'vscode-languageclient', 'vscode-languageclient/node', 'vscode-languageserver', 'vscode-languageserver/node'], 'core/ is pure TypeScript: nothing host-specific.'),
    patterns: [{ group: ['node:*'], message: 'core/ is pure TypeScript: no Node built-ins.' }],
  }),
  room('extension', {
    paths: [...banned(['ws'], 'Sensor connections live in the engine (server/).'), ...banned(['vscode-languageserver', 'vscode-languageserver/node'], NOT_SERVER_LIB)],
  }),
  room('server', {
    paths: [...banned(['vscode'], NOT_VSCODE), ...banned(['vscode-languageclient', 'vscode-languageclient/node'], NOT_CLIENT)],
  }),
  room('sensor', {
    paths: [...banned(['vscode'], NOT_VSCODE), ...banned(['vscode-languageclient', 'vscode-languageclient/node'], NOT_CLIENT), ...banned(['vscode-languageserver', 'vscode-languageserver/node'], NOT_SERVER_LIB)],
  }),
  room('webview', {
    paths: [...banned(['vscode'], NOT_VSCODE), ...banned(['ws'], 'The webview is a browser bundle.')],
    patterns: [
      { group: ['node:*'], message: 'The webview is a browser bundle.' },
      { group: ["**/../core/**"], allowTypeImports: true, message: 'The webview may import only types from core/.' },
    ],
  }),
);
