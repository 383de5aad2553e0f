// The benchmark client of a timed validation run, on its own thread (its own event loop, so the client's
// work does not stand in the served engine's steps). Worker threads start without the parent's TypeScript
// loader, so it registers tsx with the project's tsconfig first, as the sweep workers do.
import { fileURLToPath, URL } from 'node:url';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../../tsconfig.json', import.meta.url)) });
await import('./benchWorker.ts');
