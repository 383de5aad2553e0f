import type { LlmEngine } from '../core/engine/llmEngine.js';
import type { BodyPreparer } from './body/bodyPreparer.js';
import type { GENERATION_BODY_PREPARERS, GenerationBodyEnv } from './body/generationPreparers.js';
import type { FrontendTokenizer } from './openai/frontendTokenizer.js';
import type { RequestMetricsTracker } from './metrics/requestMetricsTracker.js';
import type { ServingContext } from './servingContext.js';

/** What every generation route reads: the served model's context, the engine and its request metrics. Built once by generationRoutes. */
export interface ServerContext extends ServingContext {
  readonly engine: LlmEngine;
  readonly tracker: RequestMetricsTracker;
  /** When known, token ids must be below it. */
  readonly vocabSize: number | undefined;
  /** Prompts and /tokenize texts: bounded before tokenizing, large ones tokenized off the event loop. */
  readonly tokenizer: FrontendTokenizer;
  /** The routes' bodies parsed, checked and tokenized: inline when small, on the tokenizer's worker when large. */
  readonly bodies: BodyPreparer<GenerationBodyEnv, FrontendTokenizer, typeof GENERATION_BODY_PREPARERS>;
}
