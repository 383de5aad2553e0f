import type { ServiceIdentifier } from 'inversify';
import type * as ort from 'onnxruntime-node';
import { statSync } from 'node:fs';
import type { PoolingModelDescription } from '../../../core/contracts/pooling.js';
import type { EncoderMemoryFacts } from '../../../core/scheduler/pooling/shapeMemory.js';
import { readModelDir, type ModelDirInfo } from '../../../models/dir/index.js';
import { readPoolingConfig, type PoolingConfig } from '../../../models/dir/poolingConfig.js';
import { eagerModelError } from '../eagerModelError.js';
import { validateEncoderIo, type EncoderIoLayout } from './encoderIoLayout.js';
import { probeLeftPaddingInvariance } from './paddingProbe.js';
import { openOnnxSession } from '../openOnnxSession.js';

/** A loaded pooling model: the onnxruntime session, its checked I/O and what its directory says. */
export interface EncoderModel {
  readonly info: ModelDirInfo;
  readonly session: ort.InferenceSession;
  readonly io: EncoderIoLayout;
  readonly pooling: PoolingConfig;
  readonly description: PoolingModelDescription;
  readonly memoryFacts: EncoderMemoryFacts;
  /** False when left padding changes the graph's outputs: the runner then right-aligns each row. */
  readonly leftPaddingInvariant: boolean;
}

/** DI identifier of the loaded {@link EncoderModel}. */
export const EncoderModel: ServiceIdentifier<EncoderModel> = Symbol.for('spyre.EncoderModel');

export interface LoadEncoderModelOptions {
  /** onnxruntime intra-op threads; default: onnxruntime's choice (all cores). */
  readonly intraOpNumThreads?: number;
}

function weightBytes(info: ModelDirInfo): number {
  return statSync(info.onnxModelPath).size + (info.onnxExternalDataPath ? statSync(info.onnxExternalDataPath).size : 0);
}

function describeModel(info: ModelDirInfo, io: EncoderIoLayout, pooling: PoolingConfig): PoolingModelDescription {
  const outputWidth = io.outputKind === 'embedding' ? info.dims.hiddenSize : io.declaredOutputWidth ?? pooling.labels.length;
  if (io.outputKind === 'logits' && outputWidth !== pooling.labels.length) {
    throw eagerModelError(info.onnxModelPath, `logits have ${outputWidth} columns but config.json names ${pooling.labels.length} labels`);
  }
  return {
    modelDir: info.dir,
    outputKind: io.outputKind,
    outputWidth,
    normalize: pooling.normalize,
    labels: io.outputKind === 'logits' ? pooling.labels : [],
    scoreActivation: pooling.scoreActivation,
    usesTokenTypeIds: io.hasTokenTypeIds,
    padTokenId: info.specialTokens.padTokenId ?? 0,
    vocabSize: info.dims.vocabSize,
  };
}

/**
 * Reads the model directory (an encoder: BERT, DistilBERT, RoBERTa, XLM-R), opens its ONNX graph, validates
 * the I/O and probes whether left padding is invisible to it. Errors name the file.
 */
export async function loadEncoderModel(modelDir: string, options: LoadEncoderModelOptions = {}): Promise<EncoderModel> {
  const info = readModelDir(modelDir);
  if (info.kind !== 'encoder') throw eagerModelError(info.dir, `model_type ${info.modelType} is a decoder; pooling (embed, score, classify) needs an encoder`);
  const pooling = readPoolingConfig(info.dir);
  const session = await openOnnxSession(info.onnxModelPath, options.intraOpNumThreads);
  try {
    const io = validateEncoderIo(info.onnxModelPath, session.inputMetadata, session.outputMetadata);
    const description = describeModel(info, io, pooling);
    const memoryFacts: EncoderMemoryFacts = {
      weightBytes: weightBytes(info),
      hiddenSize: info.dims.hiddenSize,
      intermediateSize: pooling.intermediateSize ?? 4 * info.dims.hiddenSize,
      numAttentionHeads: info.dims.numAttentionHeads,
      bytesPerValue: 4,
    };
    return { info, session, io, pooling, description, memoryFacts, leftPaddingInvariant: await probeLeftPaddingInvariance(session, io, description.vocabSize, description.padTokenId) };
  } catch (error) {
    await session.release();
    throw error;
  }
}
