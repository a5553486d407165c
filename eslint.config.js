import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import reactHooks from 'eslint-plugin-react-hooks';
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

// React's hook rules (and the React Compiler's checks that ship with them) for the renderer, all
// as errors: a warning the lint step lets through is a warning nobody reads.
const reactHooksRecommended = reactHooks.configs.flat.recommended;
const reactHooksAsErrors = Object.fromEntries(Object.keys(reactHooksRecommended.rules).map((rule) => [rule, 'error']));

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
  { files: ['renderer/**/*.ts', 'renderer/**/*.tsx', 'test/**/*.tsx'], plugins: reactHooksRecommended.plugins, rules: reactHooksAsErrors },
  {
    // Fluent's class names are atomic (Griffel): joined strings make the later class lose
    // unpredictably (and Fluent warns). mergeClasses(a, cond && b) is the one way to combine them.
    files: ['renderer/**/*.tsx'],
    rules: {
      'no-restricted-syntax': [
        'error',
        ...['TemplateLiteral', "BinaryExpression[operator='+']", "CallExpression[callee.property.name='join']"].map((expression) => ({
          selector: `JSXAttribute[name.name='className'] > JSXExpressionContainer > ${expression}`,
          message: 'Combine Fluent classes with mergeClasses(), not a joined string.',
        })),
      ],
    },
  },
  { files: ['**/*.js', '**/*.mjs', '**/*.cjs'], ...tseslint.configs.disableTypeChecked },
  {
    // Plain-Node build and test scripts.
    files: ['scripts/**/*.mjs', 'eslint.config.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
  {
    // electron-builder hooks (CommonJS: electron-builder require()s them on the build host).
    files: ['scripts/packaging/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // Formatting is Prettier's (`npm run format`); turn off every stylistic rule that could disagree with it.
  prettier,
);
