import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout's root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `../shared` beside the checkout (CI lays a copy there too): the spec's examples and real-model fixtures. */
export const SHARED_DIR = resolve(REPO_ROOT, '../shared');

/** Tiny models exported by other tools, byte for byte (see its README). */
export const REAL_MODEL_FIXTURES = resolve(SHARED_DIR, 'fixtures/real-models');
