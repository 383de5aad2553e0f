import type { ServiceIdentifier } from 'inversify';
import type * as ort from 'onnxruntime-node';
import { readModelDir, type ModelDirInfo } from '../../models/dir/index.js';
import { probeChunkWithPast } from './chunkProbe.js';
import { validateDecoderIo, type DecoderIoLayout } from './decoderIoLayout.js';
import { eagerModelError } from './eagerModelError.js';
import { openOnnxSession } from './openOnnxSession.js';

/** A loaded decoder: the onnxruntime session, its checked I/O layout and what the directory says. */
export interface EagerModel {
  readonly info: ModelDirInfo;
  readonly session: ort.InferenceSession;
  readonly io: DecoderIoLayout;
  /** False for graphs that cannot run a multi-token chunk over a past: such chunks run one token per call. */
  readonly chunkWithPast: boolean;
}

/** DI identifier of the loaded {@link EagerModel}. */
export const EagerModel: ServiceIdentifier<EagerModel> = Symbol.for('spyre.EagerModel');

export interface LoadEagerModelOptions {
  /** onnxruntime intra-op threads; default: onnxruntime's choice (all cores). */
  readonly intraOpNumThreads?: number;
}

/**
 * Reads the model directory, opens `onnx/model.onnx` (external data is found next to it) and validates
 * its I/O. Throws an error naming the file for anything the eager backend cannot serve.
 */
export async function loadEagerModel(modelDir: string, options: LoadEagerModelOptions = {}): Promise<EagerModel> {
  const info = readModelDir(modelDir);
  if (info.kind !== 'decoder') throw eagerModelError(info.dir, `model_type ${info.modelType} is an encoder; text generation needs a decoder`);
  // Refused before onnxruntime parses the graph; validateDecoderIo says why.
  if (info.decoderIo?.kvCache.layout === 'stacked') validateDecoderIo(info, [], []);
  const session = await openOnnxSession(info.onnxModelPath, options.intraOpNumThreads);
  try {
    const io = validateDecoderIo(info, session.inputMetadata, session.outputMetadata);
    return { info, session, io, chunkWithPast: await probeChunkWithPast(session, io) };
  } catch (error) {
    await session.release();
    throw error;
  }
}
