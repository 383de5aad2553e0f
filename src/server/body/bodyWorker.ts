// The server's body worker (a tokenizer worker with the server's entry): the tokenizer's own jobs, and
// `prepare` — a request body's bytes parsed as fastify parses them, then the route's preparation over this
// thread's own tokenizer, loaded from the same files as the main thread's.
import { workerData } from 'node:worker_threads';
import { TokenizerPoolingTextEncoder } from '../../app/poolingTextEncoder.js';
import { TokenizerTextCodec } from '../../app/tokenizerTextCodec.js';
import { TextTokenizer } from '../../tokenizer/textTokenizer.js';
import { runTokenizerJob } from '../../tokenizer/worker/runTokenizerJob.js';
import type { TokenizerWorkerData } from '../../tokenizer/worker/tokenizerJob.js';
import { answerJobs } from '../../tokenizer/worker/workerJobLoop.js';
import { inlineFrontendTokenizer, type FrontendTokenizer } from '../openai/frontendTokenizer.js';
import { GENERATION_BODY_PREPARERS, type GenerationBodyEnv } from './generationPreparers.js';
import { parseJsonBody } from './jsonBody.js';
import { POOLING_BODY_PREPARERS, type PoolingBodyEnv, type PoolingBodyTokenizer } from './poolingPreparers.js';

const { files } = workerData as TokenizerWorkerData;
let textTokenizer: TextTokenizer | undefined;
let generationTokenizer: FrontendTokenizer | undefined;
let poolingTokenizer: PoolingBodyTokenizer | undefined;

const loadedTokenizer = (): TextTokenizer => (textTokenizer ??= TextTokenizer.fromFiles(files));
const inlineGenerationTokenizer = (): FrontendTokenizer => (generationTokenizer ??= inlineFrontendTokenizer(new TokenizerTextCodec(loadedTokenizer(), [], files)));

// A pooling model's texts are tokenized here, as its engine would (token types, pair template).
const tokenizingPoolingTokenizer = (): PoolingBodyTokenizer => {
  if (poolingTokenizer === undefined) {
    const encoder = TokenizerPoolingTextEncoder.fromFiles(files);
    poolingTokenizer = { encoder, bytesBound: encoder.bytesBound, tokenizesInputs: true };
  }
  return poolingTokenizer;
};

const isGenerationRoute = (route: string): route is keyof typeof GENERATION_BODY_PREPARERS => Object.hasOwn(GENERATION_BODY_PREPARERS, route);
const isPoolingRoute = (route: string): route is keyof typeof POOLING_BODY_PREPARERS => Object.hasOwn(POOLING_BODY_PREPARERS, route);

answerJobs(async (job) => {
  if (job.op !== 'prepare') return runTokenizerJob(loadedTokenizer(), job);
  const body = parseJsonBody(Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength).toString('utf8'));
  if (isGenerationRoute(job.route)) return { answer: { value: await GENERATION_BODY_PREPARERS[job.route](body, job.env as GenerationBodyEnv, inlineGenerationTokenizer()) } };
  if (isPoolingRoute(job.route)) return { answer: { value: await POOLING_BODY_PREPARERS[job.route](body, job.env as PoolingBodyEnv, tokenizingPoolingTokenizer()) } };
  throw new Error(`The body worker knows no route '${job.route}'.`);
});
