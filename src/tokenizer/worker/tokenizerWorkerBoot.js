// Worker threads start without the parent's TypeScript loader (bin/spyre.js registers tsx on the main
// thread only), so each tokenizer worker registers tsx the same way, with the project's tsconfig, before it
// loads its TypeScript body: workerData.entry (a file URL), else the plain tokenizer worker.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { fileURLToPath, URL } from 'node:url';
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

// First of all, below the engine's threads (WORKER_NICE in tokenizerJob.ts), so that even loading the
// worker's modules yields the cores to the decode steps: on Linux a thread has its own nice value, and
// /proc/thread-self names this thread (PID/task/TID); elsewhere pid 0, or nothing where not permitted.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').at(-1)), workerData?.nice ?? 10);
} catch {
  try {
    setPriority(workerData?.nice ?? 10);
  } catch {
    // Not permitted or not supported: the worker runs at the default priority.
  }
}

register({ tsconfig: fileURLToPath(new URL('../../../tsconfig.json', import.meta.url)) });
await import(workerData?.entry ?? './tokenizerWorker.ts');
