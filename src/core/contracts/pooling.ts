import type { ServiceIdentifier } from 'inversify';
import type { WarmupShape } from './config.js';
import type { RequestId } from './ids.js';
import type { Logger } from './logger.js';

/**
 * What a pooling model's device program returns per row: a pooled (not yet normalised) sentence vector,
 * or the classifier's raw logits.
 */
export type PoolingOutputKind = 'embedding' | 'logits';

/** How a one-label logit becomes a relevance score: sigmoid (sentence-transformers' default) or raw. */
export type ScoreActivation = 'sigmoid' | 'identity';

/** What the engine needs to know of a loaded pooling model. Plain, serialisable data. */
export interface PoolingModelDescription {
  readonly modelDir: string;
  readonly outputKind: PoolingOutputKind;
  /** Width of each row's output: the hidden size for embeddings, the number of labels for logits. */
  readonly outputWidth: number;
  /** Whether embeddings are L2-normalised unless a request says otherwise (sentence-transformers' Normalize). */
  readonly normalize: boolean;
  /** Label names by index, for `classify`; empty for embedding models. */
  readonly labels: readonly string[];
  readonly scoreActivation: ScoreActivation;
  /** The model takes token type ids (a BERT pair's second text is type 1). */
  readonly usesTokenTypeIds: boolean;
  /** Id written into padding slots and filler rows (their attention mask is 0). */
  readonly padTokenId: number;
  readonly vocabSize: number;
}

/** One row of a static batch that belongs to a request. */
export interface PoolingBatchRow {
  readonly requestId: RequestId;
  readonly promptLength: number;
  /** Pad slots before the prompt: `shape.promptLength - promptLength`. */
  readonly paddingLength: number;
}

/**
 * One static-batching step (SPEC §5), the only data that crosses to the device: `shape.batchSize` rows of
 * `shape.promptLength` slots, row-major. Request rows come first in `rows` order; the rest are filler rows.
 * Every sequence is left-padded: pad slots hold the pad id and attention mask 0.
 * @invariant rows.length <= shape.batchSize and every promptLength <= shape.promptLength
 *   (test/property/poolingBatcher.property.test.ts).
 */
export interface PoolingBatch {
  readonly batchIndex: number;
  readonly shape: WarmupShape;
  readonly rows: readonly PoolingBatchRow[];
  readonly inputIds: BigInt64Array;
  readonly attentionMask: BigInt64Array;
  readonly tokenTypeIds: BigInt64Array;
}

/** The device's answer: one output vector per request row, in `rows` order. */
export interface PoolingBatchResult {
  readonly outputs: readonly Float32Array[];
}

/** Memory one warmup shape needs on the device, as the backend estimates it. */
export interface ShapeMemoryEstimate {
  readonly shape: WarmupShape;
  /** The compiled program with its weights. */
  readonly programBytes: number;
  /** Peak intermediate tensors of one run. */
  readonly activationBytes: number;
}

/** A backend that runs a pooling model on exactly the warmup shapes. */
export interface PoolingExecutor {
  readonly description: PoolingModelDescription;
  /** The device memory the backend reports, if it knows it (a real card; not the CPU). */
  readonly deviceMemoryBytes: number | undefined;
  estimateMemory(shape: WarmupShape): ShapeMemoryEstimate;
  /** Runs every shape once (compiling or caching its program), logging progress and per-shape time. */
  warmup(shapes: readonly WarmupShape[], logger: Logger): Promise<void>;
  execute(batch: PoolingBatch): Promise<PoolingBatchResult>;
  close(): Promise<void>;
}

/** DI identifier of the {@link PoolingExecutor} service. */
export const PoolingExecutor: ServiceIdentifier<PoolingExecutor> = Symbol.for('spyre.PoolingExecutor');

/** Token ids (and token types) of one input or one (query, document) pair. */
export interface EncodedInput {
  readonly tokenIds: readonly number[];
  readonly tokenTypeIds?: readonly number[];
}

/**
 * The text side of a pooling model: a text, or a pair for a cross-encoder, to ids. Implemented over the
 * model's tokenizer by the composition root; for a model that ships none, every call throws an
 * EngineError('invalid_request') that says so.
 */
export interface PoolingTextEncoder {
  encode(text: string): EncodedInput;
  encodePair(query: string, document: string): EncodedInput;
}

/** DI identifier of the {@link PoolingTextEncoder} service. */
export const PoolingTextEncoder: ServiceIdentifier<PoolingTextEncoder> = Symbol.for('spyre.PoolingTextEncoder');

/** Budget for the up-front memory check; undefined means "ask the backend", and no check when it knows none. */
export interface PoolingEngineOptions {
  readonly deviceMemoryBytes: number | undefined;
}

/** DI identifier of the {@link PoolingEngineOptions}. */
export const PoolingEngineOptions: ServiceIdentifier<PoolingEngineOptions> = Symbol.for('spyre.PoolingEngineOptions');
