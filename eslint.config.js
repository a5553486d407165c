import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Only the thin Electron layer (main/electron) and the preload may import `electron`: every
// other module must load in plain Node, where the Electron binary does not exist.
const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [
        { name: 'electron', message: 'Only main/electron and preload may import electron.' },
        // electron-store imports electron at module top: it belongs to the Electron layer too.
        { name: 'electron-store', message: 'Only main/electron may use electron-store; services use the SettingsBackend interface.' },
      ],
    },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  { files: ['main/services/**', 'main/browser-host/**', 'shared/**', 'renderer/**'], rules: noElectron },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain-Node build and test scripts.
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
);
