// Worker threads start without the parent's TypeScript loader (bin/spyre.js registers tsx on the main
// thread only), so each sweep worker registers tsx the same way before it loads its TypeScript body.
import { register } from 'tsx/esm/api';

register();
await import('./sweepWorker.ts');
