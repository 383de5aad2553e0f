import { inject, injectable } from 'inversify';
import type * as ort from 'onnxruntime-node';
import type { WarmupShape } from '../../../core/contracts/config.js';
import { EngineError } from '../../../core/contracts/errors.js';
import type { Logger } from '../../../core/contracts/logger.js';
import type {
  PoolingBatch, PoolingBatchResult, PoolingExecutor, PoolingModelDescription, ShapeMemoryEstimate,
} from '../../../core/contracts/pooling.js';
import { padPoolingBatch } from '../../../core/scheduler/pooling/padPoolingBatch.js';
import { estimateEncoderShapeMemory } from '../../../core/scheduler/pooling/shapeMemory.js';
import { asRequestId } from '../../../core/contracts/ids.js';
import { encoderFeeds } from './encoderFeeds.js';
import { EncoderModel } from './encoderModel.js';
import { poolRow } from './rowPooling.js';

const shapeKey = (shape: WarmupShape): string => `${shape.promptLength}x${shape.batchSize}`;

/**
 * The eager pooling backend: one onnxruntime session that runs exactly the warmup shapes (a batch on any
 * other shape is a broken invariant, as it would be on the device), and pools each request row:
 * mean / CLS / last over its real tokens as the model's config says, or its logits row.
 */
@injectable()
export class EncoderRunner implements PoolingExecutor {
  readonly description: PoolingModelDescription;
  /** The CPU has no device budget of its own: the check runs only with --device-memory-bytes. */
  readonly deviceMemoryBytes = undefined;
  private readonly warmedUp = new Set<string>();

  constructor(@inject(EncoderModel) private readonly model: EncoderModel) {
    this.description = model.description;
  }

  estimateMemory(shape: WarmupShape): ShapeMemoryEstimate {
    return estimateEncoderShapeMemory(this.model.memoryFacts, shape);
  }

  async warmup(shapes: readonly WarmupShape[], logger: Logger): Promise<void> {
    const padding = this.model.leftPaddingInvariant ? 'left padding as laid out' : 'rows right-aligned (left padding changes this graph\'s outputs)';
    logger.info(`Warming up ${shapes.length} warmup shapes on the eager encoder (${padding}).`);
    const startedMs = performance.now();
    for (const [index, shape] of shapes.entries()) {
      const shapeStartedMs = performance.now();
      const fillIds = Array.from({ length: shape.promptLength }, () => this.description.padTokenId);
      const rows = Array.from({ length: shape.batchSize }, (_, row) => ({ requestId: asRequestId(`warmup-${row}`), tokenIds: fillIds }));
      await this.runSession(padPoolingBatch(-1, shape, rows, this.description.padTokenId));
      this.warmedUp.add(shapeKey(shape));
      const tookMs = performance.now() - shapeStartedMs;
      logger.info(`Warmup shape ${index + 1}/${shapes.length} (prompt length ${shape.promptLength}, batch size ${shape.batchSize}) took ${tookMs.toFixed(1)} ms`);
    }
    logger.info(`Warmup of ${shapes.length} shapes finished in ${((performance.now() - startedMs) / 1000).toFixed(2)} s`);
  }

  async execute(batch: PoolingBatch): Promise<PoolingBatchResult> {
    if (!this.warmedUp.has(shapeKey(batch.shape))) {
      throw new EngineError('invariant_violated', `pooling batch on shape (prompt length ${batch.shape.promptLength}, batch size ${batch.shape.batchSize}), which was not warmed up.`);
    }
    return this.runSession(batch);
  }

  async close(): Promise<void> {
    await this.model.session.release();
  }

  private async runSession(batch: PoolingBatch): Promise<PoolingBatchResult> {
    const io = this.model.io;
    const { feeds, spans } = encoderFeeds(batch, io, !this.model.leftPaddingInvariant, this.description.padTokenId);
    const out = (await this.model.session.run(feeds))[io.outputName] as ort.Tensor;
    const data = out.data as Float32Array;
    const width = this.description.outputWidth;
    const outputs = spans.map((span, row) =>
      io.outputKind === 'logits'
        ? data.slice(row * width, (row + 1) * width)
        : poolRow(data, row, span, batch.shape.promptLength, width, this.model.pooling.pooling));
    return { outputs };
  }
}
