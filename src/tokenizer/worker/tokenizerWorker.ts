// A tokenizer worker: loads the model's tokenizer from the same files as the main thread (so its ids and
// texts are the main thread's, byte for byte) and runs one job per message.
import { workerData } from 'node:worker_threads';
import { TextTokenizer } from '../textTokenizer.js';
import { runTokenizerJob } from './runTokenizerJob.js';
import type { TokenizerWorkerData } from './tokenizerJob.js';
import { answerJobs } from './workerJobLoop.js';

const tokenizer = TextTokenizer.fromFiles((workerData as TokenizerWorkerData).files);

answerJobs((job) => runTokenizerJob(tokenizer, job));
