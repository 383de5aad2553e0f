import type { LlmEngine } from '../core/engine/llmEngine.js';
import type { TokenBytesBound } from '../tokenizer/index.js';
import type { RequestMetricsTracker } from './metrics/requestMetricsTracker.js';
import type { ServingContext } from './servingContext.js';

/** What every generation route reads: the served model's context, the engine and its request metrics. Built once by generationRoutes. */
export interface ServerContext extends ServingContext {
  readonly engine: LlmEngine;
  readonly tracker: RequestMetricsTracker;
  /** When known, token ids must be below it. */
  readonly vocabSize: number | undefined;
  /** How many input bytes one token can stand for: a prompt text that cannot fit is refused before tokenizing. */
  readonly bytesBound: TokenBytesBound;
}
