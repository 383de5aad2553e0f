import type { EngineConfig } from '../contracts/config.js';
import { EngineError } from '../contracts/errors.js';
import type { GenerationRequest } from '../contracts/requests.js';
import type { RequestLimits } from '../scheduler/schedulerRequest.js';

/** Shared by every request without EOS or stop ids (read only). */
const NO_TOKEN_IDS: readonly number[] = [];

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

/** A plain loop: this runs over every prompt token of every request the engine (or a simulation) adds. */
function allNonNegativeIntegers(tokenIds: readonly number[]): boolean {
  for (let index = 0; index < tokenIds.length; index++) {
    const tokenId = tokenIds[index]!;
    if (!Number.isInteger(tokenId) || tokenId < 0) return false;
  }
  return true;
}

function optionalNonNegativeInteger(field: string, value: number | undefined): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 0)) throw invalid(`'${field}' must be a non-negative integer, got ${value}.`);
}

/**
 * Parallel sampling: the `n` copies are forked together at the end of the one prefill and decode side by
 * side, so they need `n` decode slots, `n` times the volume of one, and the prompt's full blocks once plus
 * each copy's own blocks.
 */
function validateCopies(numCopies: number, numPromptTokens: number, aloneTkv: number, blocksAlone: number, config: EngineConfig): void {
  if (numCopies === 1) return;
  if (numCopies > config.maxNumSeqs) {
    throw invalid(
      `Could not add request: 'n' is ${numCopies}, but the copies of a request decode together and at most max_num_seqs=${config.maxNumSeqs} sequences run at once. Lower 'n' or raise --max-num-seqs.`,
    );
  }
  if (numCopies * aloneTkv > config.maxBatchTkvLimit) {
    throw invalid(
      `Could not add request: 'n'=${numCopies} copies of prompt length ${numPromptTokens} plus their output tokens reach a batch volume of ${numCopies * aloneTkv} (${numCopies} × tkv ${aloneTkv}), above VLLM_DT_MAX_BATCH_TKV_LIMIT=${config.maxBatchTkvLimit}. Lower 'n' or max_tokens, or raise the limit.`,
    );
  }
  const sharedBlocks = Math.floor(numPromptTokens / config.blockSize);
  const blocksOfAll = sharedBlocks + numCopies * (blocksAlone - sharedBlocks);
  if (blocksOfAll > config.numBlocks - 1) {
    throw invalid(
      `Could not add request: 'n'=${numCopies} copies need ${blocksOfAll} KV blocks (${sharedBlocks} shared prompt blocks and ${blocksAlone - sharedBlocks} of their own each), but the pool has ${config.numBlocks - 1}. Lower 'n' or max_tokens, or give the engine more blocks.`,
    );
  }
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
  if (!allNonNegativeIntegers(request.promptTokenIds)) throw invalid("'prompt' token ids must be non-negative integers.");
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
  validateCopies(1 + (request.forks?.length ?? 0), numPromptTokens, aloneTkv, blocksAlone, config);
  return {
    maxTokens,
    minTokens,
    ignoreEos: request.ignoreEos ?? false,
    eosTokenIds: request.eosTokenIds ?? NO_TOKEN_IDS,
    stopTokenIds: request.stopTokenIds ?? NO_TOKEN_IDS,
  };
}
