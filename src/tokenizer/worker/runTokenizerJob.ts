// The tokenizer's own jobs, as a worker runs them over its copy of the model's tokenizer.
import type { TextTokenizer } from '../textTokenizer.js';
import { unpackMessages, type TokenizerJob } from './tokenizerJob.js';
import type { JobValue } from './workerJobLoop.js';

/** encode, decode and applyChatTemplate; `prepare` needs an entry module that knows the routes (the server's). */
export function runTokenizerJob(tokenizer: TextTokenizer, job: TokenizerJob): JobValue {
  switch (job.op) {
    case 'encode':
      return { answer: { ids: tokenizer.encode(job.text, { addSpecialTokens: job.addSpecialTokens }) } };
    case 'decode':
      return { answer: { text: tokenizer.decode(job.ids, { skipSpecialTokens: job.skipSpecialTokens }) } };
    case 'applyChatTemplate':
      return { answer: { text: tokenizer.applyChatTemplate(unpackMessages(job.messages), { addGenerationPrompt: job.addGenerationPrompt }) } };
    case 'prepare':
      throw new Error(`This worker prepares no request bodies (route ${job.route}); start it with the server's entry.`);
  }
}
