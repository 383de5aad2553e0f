// A tokenizer worker: loads the model's tokenizer from the same files as the main thread (so its ids and
// texts are the main thread's, byte for byte) and runs one job per message.
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { EngineError } from '../../core/contracts/errors.js';
import { TextTokenizer } from '../textTokenizer.js';
import { WORKER_NICE, unpackMessages, type TokenizerJob, type TokenizerJobAnswer, type TokenizerJobMessage, type TokenizerWorkerData } from './tokenizerJob.js';

// Below the engine's threads: on Linux a thread has its own nice value (setpriority on pid 0 is this
// thread), so a large tokenization yields the cores to the decode steps instead of stretching their ITL.
try {
  setPriority(WORKER_NICE);
} catch {
  // Not permitted or not supported: the worker still runs, at the default priority.
}

const tokenizer = TextTokenizer.fromFiles((workerData as TokenizerWorkerData).files);

function run(jobId: number, job: TokenizerJob): TokenizerJobAnswer {
  switch (job.op) {
    case 'encode':
      return { jobId, ids: tokenizer.encode(job.text, { addSpecialTokens: job.addSpecialTokens }) };
    case 'decode':
      return { jobId, text: tokenizer.decode(job.ids, { skipSpecialTokens: job.skipSpecialTokens }) };
    case 'applyChatTemplate':
      return { jobId, text: tokenizer.applyChatTemplate(unpackMessages(job.messages), { addGenerationPrompt: job.addGenerationPrompt }) };
  }
}

parentPort?.on('message', ({ jobId, job }: TokenizerJobMessage) => {
  let answer: TokenizerJobAnswer;
  try {
    answer = run(jobId, job);
  } catch (error) {
    const failure = error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
    answer = { jobId, failure: error instanceof EngineError ? { ...failure, engineErrorKind: error.kind } : failure };
  }
  parentPort?.postMessage(answer);
});
