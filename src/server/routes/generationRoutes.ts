import type { LlmEngine } from '../../core/engine/llmEngine.js';
import { BODY_WORKER_ENTRY, BodyPreparer, reviveBodyFailure } from '../body/bodyPreparer.js';
import { GENERATION_BODY_PREPARERS, type GenerationBodyEnv } from '../body/generationPreparers.js';
import { frontendTokenizerOf } from '../openai/frontendTokenizer.js';
import { registerEndpointPickerInfo } from '../metrics/endpointPickerInfo.js';
import { RequestMetricsTracker } from '../metrics/requestMetricsTracker.js';
import type { RoutePlugin } from '../routePlugin.js';
import type { ServerContext } from '../serverContext.js';
import type { ServingContext } from '../servingContext.js';
import { registerChatCompletionsRoute } from './chatCompletions.js';
import { registerCompletionsRoute } from './completions.js';
import { registerTokenizeRoutes } from './tokenizeRoutes.js';

/**
 * The generation task's routes over an LlmEngine: /v1/completions, /v1/chat/completions, /tokenize and
 * /detokenize, with the engine's per-step request metrics and the endpoint picker's info gauge.
 * `vocabSize`: rows of the model's logits; prompt token ids at or above it are refused with a 400.
 */
export function generationRoutes(engine: LlmEngine, serving: ServingContext, vocabSize?: number): RoutePlugin<ServerContext> {
  serving.prometheus.baseline(engine.core.stats());
  registerEndpointPickerInfo(serving.prometheus.registry, serving.config);
  const tracker = new RequestMetricsTracker(serving.recorders, serving.clock, () => engine.core.stats());
  engine.onStep((report) => tracker.onStep(report));
  const tokenizer = frontendTokenizerOf(engine.codec, { entry: BODY_WORKER_ENTRY, reviveFailure: reviveBodyFailure });
  const { maxModelLen, blockSize, servedModelName } = serving.config;
  const env: GenerationBodyEnv = { acceptedModelNames: serving.acceptedModelNames, config: { maxModelLen, blockSize, servedModelName }, vocabSize };
  const bodies = new BodyPreparer(GENERATION_BODY_PREPARERS, env, tokenizer, tokenizer.workerPool);
  const context: ServerContext = { ...serving, engine, tracker, vocabSize, tokenizer, bodies };
  return {
    context,
    register: (app) => {
      app.addHook('onClose', () => context.tokenizer.close());
      registerCompletionsRoute(app, context);
      registerChatCompletionsRoute(app, context);
      registerTokenizeRoutes(app, context);
    },
    stats: () => engine.core.stats(),
    resetPrefixCache: () => engine.core.resetPrefixCache(),
    numUnfinishedRequests: () => engine.numUnfinishedRequests,
  };
}
