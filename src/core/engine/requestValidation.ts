import type { EngineConfig } from '../contracts/config.js';
import { EngineError } from '../contracts/errors.js';
import type { GenerationRequest } from '../contracts/requests.js';
import type { RequestLimits } from '../scheduler/schedulerRequest.js';

function invalid(message: string): EngineError {
  return new EngineError('invalid_request', message);
}

/** The front end's check (SPEC §1.4): the prompt padded to a block plus max_tokens fits max_model_len. */
function frontendMaxTokens(request: GenerationRequest, config: EngineConfig): number {
  const numPromptTokens = request.promptTokenIds.length;
  const paddedTokens = Math.ceil(numPromptTokens / config.blockSize) * config.blockSize;
  const maxTokens = request.maxTokens ?? Math.max(1, config.maxModelLen - paddedTokens);
  if (paddedTokens + maxTokens > config.maxModelLen) {
    throw invalid(
      `Could not add request: prompt length is ${numPromptTokens} tokens, which gets padded to ${paddedTokens} tokens, maximum number of output tokens is ${maxTokens} tokens, but max model context length is ${config.maxModelLen}.`,
    );
  }
  return maxTokens;
}

/** The engine core's own check: the real tokens (prompt plus max_tokens) fit max_model_len, padding aside. */
function engineCoreMaxTokens(request: GenerationRequest, config: EngineConfig): number {
  const numPromptTokens = request.promptTokenIds.length;
  const maxTokens = request.maxTokens ?? Math.max(1, config.maxModelLen - numPromptTokens);
  if (numPromptTokens + maxTokens > config.maxModelLen) {
    throw invalid(
      `Could not add request: prompt length ${numPromptTokens} plus ${maxTokens} output tokens is more than max model context length ${config.maxModelLen}, so it could never finish. Shorten the prompt or max_tokens.`,
    );
  }
  return maxTokens;
}

function optionalNonNegativeInteger(field: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw invalid(`'${field}' must be a non-negative integer, got ${value}.`);
}

/** How a request reaches the engine core. */
export interface AddRequestOptions {
  /**
   * true (default): vLLM's front end checked it first (SPEC §1.4's padded-length check). false: added straight
   * to the engine core, as vLLM's `EngineCore.add_request`; only a request that could never fit is refused, and
   * the scheduler's guards decide when it may run.
   */
  readonly frontendValidation?: boolean;
}

/**
 * Checks a generation request against the engine's limits (SPEC §1.4) before it is queued, so that every
 * accepted request can finish: a request that could never be scheduled is refused here, with the reason.
 */
export function validateGenerationRequest(request: GenerationRequest, config: EngineConfig, options: AddRequestOptions = {}): RequestLimits {
  const numPromptTokens = request.promptTokenIds.length;
  if (numPromptTokens === 0) throw invalid("The prompt is empty: 'prompt' must contain at least one token.");
  if (request.promptTokenIds.some((tokenId) => !Number.isInteger(tokenId) || tokenId < 0)) {
    throw invalid("'prompt' token ids must be non-negative integers.");
  }
  if (request.maxTokens !== undefined && (!Number.isInteger(request.maxTokens) || request.maxTokens <= 0)) {
    throw invalid(`'max_tokens' must be a positive integer, got ${request.maxTokens}.`);
  }
  optionalNonNegativeInteger('min_tokens', request.minTokens);
  const maxTokens = options.frontendValidation === false ? engineCoreMaxTokens(request, config) : frontendMaxTokens(request, config);
  const minTokens = request.minTokens ?? 0;
  if (minTokens > maxTokens) throw invalid(`'min_tokens' (${minTokens}) must not exceed 'max_tokens' (${maxTokens}).`);
  const aloneTkv = numPromptTokens + maxTokens - 1;
  if (aloneTkv > config.maxBatchTkvLimit) {
    throw invalid(
      `Could not add request: prompt length ${numPromptTokens} plus ${maxTokens} output tokens reaches a tkv of ${aloneTkv}, above VLLM_DT_MAX_BATCH_TKV_LIMIT=${config.maxBatchTkvLimit}. Shorten the prompt or max_tokens, or raise the limit.`,
    );
  }
  const blocksAlone = Math.ceil(aloneTkv / config.blockSize);
  if (blocksAlone > config.numBlocks - 1) {
    throw invalid(
      `Could not add request: it needs ${blocksAlone} KV blocks, but the pool has ${config.numBlocks - 1}. Shorten the prompt or max_tokens, or give the engine more blocks.`,
    );
  }
  return {
    maxTokens,
    minTokens,
    ignoreEos: request.ignoreEos ?? false,
    eosTokenIds: request.eosTokenIds ?? [],
    stopTokenIds: request.stopTokenIds ?? [],
  };
}
