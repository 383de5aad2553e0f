// Lint rules, including the project's import directions (docs/architecture.md):
// core imports no backend, no sim, no server or CLI, no onnxruntime-node and no koffi; backends import
// core/contracts (plus core/catalog and core/scheduler/pooling's batch geometry), never the engine, the
// sampler, the KV manager or the config resolution; koffi appears only under src/backends/sendnn/ffi/.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const koffiOutsideFfi = { name: 'koffi', message: 'koffi is confined to src/backends/sendnn/ffi/.' };

const coreForbidden = [
  { group: ['**/backends/**', '**/backends'], message: 'core must not import a backend (backends import core/contracts).' },
  { group: ['**/sim/**', '**/sim'], message: 'core must not import the simulator (sim imports core).' },
  { group: ['**/server/**', '**/cli/**'], message: 'core must not import a composition root.' },
  { group: ['onnxruntime-node', 'onnxruntime-*'], message: 'core is backend-agnostic: no onnxruntime.' },
  { group: ['koffi'], message: 'core is backend-agnostic: no koffi.' },
  { group: ['fastify', 'pino', 'prom-client'], message: 'core does no I/O of its own: inject it.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'docs/api/**', '.cache/**', 'models/**', 'out/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'TSEnumDeclaration', message: 'Use a string-literal union, not enum.' }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: coreForbidden }] },
  },
  {
    // src/device: the pure step-time formula and hardware profiles, shared by the sendnn backend and sim.
    files: ['src/device/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [koffiOutsideFfi],
        patterns: [{ group: ['../*', 'node:*', 'onnxruntime-*', 'fastify', 'pino', 'prom-client'], message: 'src/device is pure: it imports only its own files.' }],
      }],
    },
  },
  {
    files: ['src/backends/**/*.ts'],
    ignores: ['src/backends/sendnn/ffi/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [koffiOutsideFfi],
        patterns: [
          { group: ['**/sim/**', '**/server/**', '**/cli/**', '**/app/**'], message: 'backends import core/contracts, not the simulator or a composition root.' },
          {
            group: ['**/core/engine/**', '**/core/kv/**', '**/core/config/**', '**/core/metrics/**', '**/core/util/**', '**/core/scheduler/*.js', '**/core/registerCore*'],
            message: "backends import core/contracts (sampling is the TokenSampling contract), not the core's implementation; only the compiled-program catalog and the pooling batch geometry are shared.",
          },
        ],
      }],
    },
  },
  {
    files: ['sim/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [koffiOutsideFfi],
        patterns: [{ group: ['**/server/**', '**/cli/**', '**/backends/**'], message: 'sim imports core only; composition roots wire backends in.' }],
      }],
    },
  },
  {
    files: ['src/server/**/*.ts', 'src/cli/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [koffiOutsideFfi] }] },
  },
);
