// Worker threads start without the parent's TypeScript loader (bin/spyre.js registers tsx on the main
// thread only), so each tokenizer worker registers tsx the same way, with the project's tsconfig, before it
// loads its TypeScript body: workerData.entry (a file URL), else the plain tokenizer worker.
import { fileURLToPath, URL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import(workerData?.entry ?? './tokenizerWorker.ts');
