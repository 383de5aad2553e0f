// What the pooling routes do with a request body before the engine sees it: parse it with the route's
// schema, check its fields, and bound its texts by their bytes (tokenBytesBound). The same functions run on
// the main thread (small bodies: the texts then go to the engine, which tokenizes them as before) and on the
// body worker (large ones: the texts are tokenized there, checked against the warmup shapes as the engine
// checks them, and only inputs that fit come back as ids), so a body answers the same 400 wherever it was
// parsed and nothing that grows with a refused input crosses back to the event loop.
import type { EngineConfig } from '../../core/contracts/config.js';
import { EngineError } from '../../core/contracts/errors.js';
import type { EncodedInput, PoolingTextEncoder } from '../../core/contracts/pooling.js';
import type { PoolingInput, PoolingPair } from '../../core/scheduler/pooling/poolingResults.js';
import { checkPromptFits, refuseInputThatCannotFit } from '../../core/scheduler/pooling/promptFit.js';
import { minTokensOf, type TokenBytesBound } from '../../tokenizer/tokenBytesBound.js';
import { ApiError } from '../errors/apiError.js';
import type { ServedModelNames } from '../openai/servedModel.js';
import { checkCommonFields, toPoolingInputs } from '../routes/pooling/poolingCall.js';
import { parseBody } from '../schemas/parseBody.js';
import { classifyRequestSchema, embeddingsRequestSchema, poolingRequestSchema, rerankRequestSchema, scoreRequestSchema } from '../schemas/poolingRequests.js';
import { tokenizeRequestSchema } from '../schemas/tokenizeRequest.js';
import type { TokenizeAnswer } from './generationPreparers.js';

/** The served model's settings the checks read: plain data, posted to the body worker with each body. */
export interface PoolingBodyEnv extends ServedModelNames {
  readonly config: Pick<EngineConfig, 'servedModelName' | 'maxModelLen' | 'warmupShapes'>;
  /** The model's output width (what `dimensions` is refused against). */
  readonly outputWidth: number;
}

/** The model's tokenizer as a preparation uses it; `tokenizesInputs`: on the body worker, texts become ids here. */
export interface PoolingBodyTokenizer {
  readonly encoder: PoolingTextEncoder | undefined;
  readonly bytesBound: TokenBytesBound;
  readonly tokenizesInputs: boolean;
}

export interface PreparedEmbeddings {
  readonly model: string;
  readonly inputs: readonly PoolingInput[];
  readonly normalize: boolean | undefined;
  readonly encodingFormat: 'float' | 'base64' | undefined;
}

export interface PreparedPooling {
  readonly model: string;
  readonly inputs: readonly PoolingInput[];
  readonly encodingFormat: 'float' | 'base64' | undefined;
}

export interface PreparedClassify {
  readonly model: string;
  readonly inputs: readonly PoolingInput[];
}

export interface PreparedScore {
  readonly model: string;
  readonly pairs: readonly PoolingPair[];
}

/** `query` and `documents` as sent, or (`pairs`) already encoded; `documents` is kept only when the answer returns them. */
export interface PreparedRerank {
  readonly model: string;
  readonly query: string;
  readonly documents: readonly string[];
  readonly pairs: readonly PoolingPair[] | undefined;
  readonly numDocuments: number;
  readonly topN: number | undefined;
  readonly withDocuments: boolean;
}

/** The engine's refusals keep their text and get `param` as the field at fault, as runPoolingCall answers them. */
/** The bound's refusal; a tokenizer without a bound proves nothing (0 tokens at least), so nothing is checked. */
function refuseByBytes(minTokens: number, env: PoolingBodyEnv): void {
  if (minTokens > 0) refuseInputThatCannotFit(minTokens, env.config.warmupShapes);
}

function asRouteError(error: unknown, param: string | null): never {
  if (error instanceof EngineError && error.kind === 'invalid_request') throw new ApiError('invalid_request', error.message, param);
  throw error;
}

function requireEncoder(tokenizer: PoolingBodyTokenizer): PoolingTextEncoder {
  if (tokenizer.encoder === undefined) throw new Error('The body worker has no pooling tokenizer.');
  return tokenizer.encoder;
}

/** Texts that cannot fit the largest shape by their bytes alone are refused; on the worker, texts become ids and are checked as the engine checks them. */
function preparedInputs(inputs: readonly PoolingInput[], env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer, param: string): readonly PoolingInput[] {
  try {
    for (const input of inputs) if (typeof input === 'string') refuseByBytes(minTokensOf(input, tokenizer.bytesBound), env);
    if (!tokenizer.tokenizesInputs || typeof inputs[0] !== 'string') return inputs;
    const encoder = requireEncoder(tokenizer);
    const encoded = inputs.map((input) => encoder.encode(input as string));
    for (const input of encoded) checkPromptFits(input.tokenIds.length, env.config.warmupShapes);
    return encoded;
  } catch (error) {
    return asRouteError(error, param);
  }
}

/** The same for (query, document) text pairs, through the tokenizer's pair template. */
function preparedPairs(pairs: ReadonlyArray<readonly [string, string]>, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): readonly PoolingPair[] {
  try {
    for (const [query, document] of pairs) refuseByBytes(minTokensOf(query, tokenizer.bytesBound) + minTokensOf(document, tokenizer.bytesBound), env);
    if (!tokenizer.tokenizesInputs) return pairs;
    const encoder = requireEncoder(tokenizer);
    const encoded: EncodedInput[] = pairs.map(([query, document]) => encoder.encodePair(query, document));
    for (const pair of encoded) checkPromptFits(pair.tokenIds.length, env.config.warmupShapes);
    return encoded;
  } catch (error) {
    return asRouteError(error, null);
  }
}

const asList = (texts: string | readonly string[]): readonly string[] => (typeof texts === 'string' ? [texts] : texts);

/** vLLM's pairing rule: 1:1, 1:N (one `text_1` against every `text_2`) or N:N (zipped). */
function scorePairs(text1: readonly string[], text2: readonly string[]): ReadonlyArray<readonly [string, string]> {
  if (text1.length === 0) throw new ApiError('invalid_request', "'text_1': at least one text element must be given.", 'text_1');
  if (text2.length === 0) throw new ApiError('invalid_request', "'text_2': at least one text element must be given.", 'text_2');
  if (text1.length > 1 && text1.length !== text2.length) {
    throw new ApiError('invalid_request', `Input lengths must be either 1:1, 1:N or N:N, but 'text_1' has ${text1.length} and 'text_2' has ${text2.length}.`, 'text_2');
  }
  return text2.map((document, index) => [text1.length === 1 ? (text1[0] as string) : (text1[index] as string), document] as const);
}

async function prepareEmbeddings(body: unknown, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): Promise<PreparedEmbeddings> {
  const request = parseBody(embeddingsRequestSchema, body);
  const model = checkCommonFields(env, request);
  if (request.dimensions !== undefined && request.dimensions !== null) {
    throw new ApiError(
      'invalid_request',
      `'dimensions': the model '${env.config.servedModelName}' does not support matryoshka representation, so its output dimensions (${env.outputWidth}) cannot be changed.`,
      'dimensions',
    );
  }
  const inputs = preparedInputs(toPoolingInputs(request.input), env, tokenizer, 'input');
  return { model, inputs, normalize: request.normalize ?? undefined, encodingFormat: request.encoding_format ?? undefined };
}

async function preparePooling(body: unknown, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): Promise<PreparedPooling> {
  const request = parseBody(poolingRequestSchema, body);
  const model = checkCommonFields(env, request);
  return { model, inputs: preparedInputs(toPoolingInputs(request.input), env, tokenizer, 'input'), encodingFormat: request.encoding_format ?? undefined };
}

async function prepareClassify(body: unknown, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): Promise<PreparedClassify> {
  const request = parseBody(classifyRequestSchema, body);
  const model = checkCommonFields(env, request);
  return { model, inputs: preparedInputs(toPoolingInputs(request.input), env, tokenizer, 'input') };
}

async function prepareScore(body: unknown, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): Promise<PreparedScore> {
  const request = parseBody(scoreRequestSchema, body);
  const model = checkCommonFields(env, request);
  return { model, pairs: preparedPairs(scorePairs(asList(request.text_1), asList(request.text_2)), env, tokenizer) };
}

async function prepareRerank(body: unknown, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): Promise<PreparedRerank> {
  const request = parseBody(rerankRequestSchema, body);
  const model = checkCommonFields(env, request);
  const { query, documents } = request;
  const pairs = preparedPairs(documents.map((document) => [query, document] as const), env, tokenizer);
  const withDocuments = request.return_documents !== false;
  // Every document is scored (and counted in the usage); top_n only cuts the answer. 0 keeps all, as in vLLM.
  const topN = request.top_n !== undefined && request.top_n !== null && request.top_n > 0 ? request.top_n : undefined;
  const encoded = tokenizer.tokenizesInputs;
  return { model, query, documents: encoded && !withDocuments ? [] : documents, pairs: encoded ? pairs : undefined, numDocuments: documents.length, topN, withDocuments };
}

/** /tokenize on a pooling model: the ids the engine would run (special tokens included). */
async function prepareTokenize(body: unknown, env: PoolingBodyEnv, tokenizer: PoolingBodyTokenizer): Promise<TokenizeAnswer> {
  const request = parseBody(tokenizeRequestSchema, body);
  if (typeof request.model === 'string') checkCommonFields(env, { model: request.model });
  if (!('prompt' in request)) throw new ApiError('invalid_request', "'messages': a pooling model has no chat template; send 'prompt'.", 'messages');
  const tokens = requireEncoder(tokenizer).encode(request.prompt).tokenIds;
  return { count: tokens.length, max_model_len: env.config.maxModelLen, tokens };
}

/** Per route of the pooling plugin, its body's preparation (the body worker looks them up by name). */
export const POOLING_BODY_PREPARERS = {
  embeddings: prepareEmbeddings,
  pooling: preparePooling,
  classify: prepareClassify,
  score: prepareScore,
  rerank: prepareRerank,
  poolingTokenize: prepareTokenize,
} as const;
