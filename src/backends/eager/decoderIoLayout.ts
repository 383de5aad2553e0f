import type * as ort from 'onnxruntime-node';
import type { ModelDirInfo } from '../../models/dir/index.js';
import { eagerModelError } from './eagerModelError.js';

/** Element types the runner feeds and reads. KV and logits may be float16 (converted at the boundary). */
export type IdsDtype = 'int64' | 'int32';
export type FloatDtype = 'float32' | 'float16';

/** A decoder's I/O as validated against the Optimum / transformers.js convention. Plain data. */
export interface DecoderIoLayout {
  readonly numLayers: number;
  readonly numKvHeads: number;
  readonly headDim: number;
  readonly vocabSize: number;
  readonly idsDtype: IdsDtype;
  readonly kvDtype: FloatDtype;
  readonly logitsDtype: FloatDtype;
  readonly pastKeyNames: readonly string[];
  readonly pastValueNames: readonly string[];
  readonly presentKeyNames: readonly string[];
  readonly presentValueNames: readonly string[];
  /**
   * The new tokens' key and value per layer, when the graph exports them (decoders built by `spyre model
   * build`): the runner then keeps the decode past itself and fetches these instead of the presents.
   */
  readonly newKv?: { readonly keyNames: readonly string[]; readonly valueNames: readonly string[] };
}

type Metadata = readonly ort.InferenceSession.ValueMetadata[];

const EXPECTED_INPUTS = 'input_ids, attention_mask, position_ids, past_key_values.{i}.key, past_key_values.{i}.value';
const EXPECTED_OUTPUTS = 'logits, present.{i}.key, present.{i}.value';

function describe(metadata: Metadata): string {
  return metadata.map((value) => (value.isTensor ? `${value.name} (${value.type} [${value.shape.join(', ')}])` : value.name)).join(', ');
}

function tensorOf(metadata: Metadata, name: string): ort.InferenceSession.TensorValueMetadata | undefined {
  const found = metadata.find((value) => value.name === name);
  return found?.isTensor ? found : undefined;
}

function layerNames(metadata: Metadata, pattern: RegExp): string[] {
  const byLayer: string[] = [];
  for (const value of metadata) {
    const match = pattern.exec(value.name);
    if (match) byLayer[Number(match[1])] = value.name;
  }
  return byLayer;
}

/**
 * Checks the session's inputs and outputs against the convention and the model's config, and reads the
 * dtypes. Throws an error naming the file, what was found and what was expected.
 */
export function validateDecoderIo(info: ModelDirInfo, inputs: Metadata, outputs: Metadata): DecoderIoLayout {
  const file = info.onnxModelPath;
  if (info.decoderIo?.kvCache.layout === 'stacked') {
    throw eagerModelError(file, `uses the legacy ORT GPT-2 KV layout (stacked ${info.decoderIo.kvCache.past} / ${info.decoderIo.kvCache.present} tensors of [2, batch, heads, past, head_dim]); the eager backend serves the Optimum / transformers.js layout (inputs ${EXPECTED_INPUTS}; outputs ${EXPECTED_OUTPUTS}). Re-export the model with optimum-cli export onnx --task text-generation-with-past.`);
  }
  const inputsFound = (): string => `found inputs: ${describe(inputs)}; expected: ${EXPECTED_INPUTS}`;
  const outputsFound = (): string => `found outputs: ${describe(outputs)}; expected: ${EXPECTED_OUTPUTS}`;
  const ids = tensorOf(inputs, 'input_ids');
  if (!ids || !tensorOf(inputs, 'attention_mask') || !tensorOf(inputs, 'position_ids')) throw eagerModelError(file, `not a decoder in the Optimum convention: ${inputsFound()}`);
  if (ids.type !== 'int64' && ids.type !== 'int32') throw eagerModelError(file, `input_ids has type ${ids.type}; expected int64 (or int32)`);
  const logits = tensorOf(outputs, 'logits');
  if (!logits) throw eagerModelError(file, `no logits output: ${outputsFound()}`);
  const pastKeyNames = layerNames(inputs, /^past_key_values\.(\d+)\.key$/);
  const pastValueNames = layerNames(inputs, /^past_key_values\.(\d+)\.value$/);
  const presentKeyNames = layerNames(outputs, /^present\.(\d+)\.key$/);
  const presentValueNames = layerNames(outputs, /^present\.(\d+)\.value$/);
  const numLayers = info.dims.numHiddenLayers;
  const complete = (names: string[]): boolean => names.length === numLayers && names.every((name) => name !== undefined);
  if (!complete(pastKeyNames) || !complete(pastValueNames)) throw eagerModelError(file, `expected past_key_values.{0..${numLayers - 1}}.key|value for the ${numLayers} layers of the config: ${inputsFound()}`);
  if (!complete(presentKeyNames) || !complete(presentValueNames)) throw eagerModelError(file, `expected present.{0..${numLayers - 1}}.key|value for the ${numLayers} layers of the config: ${outputsFound()}`);
  const newKeyNames = layerNames(outputs, /^new_key_values\.(\d+)\.key$/);
  const newValueNames = layerNames(outputs, /^new_key_values\.(\d+)\.value$/);
  const known = new Set(['input_ids', 'attention_mask', 'position_ids', ...pastKeyNames, ...pastValueNames]);
  const unknown = inputs.filter((value) => !known.has(value.name)).map((value) => value.name);
  if (unknown.length > 0) throw eagerModelError(file, `unsupported extra inputs ${unknown.join(', ')}: ${inputsFound()}`);
  const kvDtype = floatDtype(file, tensorOf(inputs, pastKeyNames[0] as string));
  const { numKeyValueHeads, headDim, vocabSize } = info.dims;
  for (const name of [...pastKeyNames, ...pastValueNames]) checkKvShape(file, tensorOf(inputs, name), numKeyValueHeads, headDim, kvDtype);
  return {
    numLayers,
    numKvHeads: numKeyValueHeads,
    headDim,
    vocabSize: logitsWidth(file, logits, vocabSize),
    idsDtype: ids.type,
    kvDtype,
    logitsDtype: floatDtype(file, logits),
    pastKeyNames, pastValueNames, presentKeyNames, presentValueNames,
    ...(complete(newKeyNames) && complete(newValueNames) ? { newKv: { keyNames: newKeyNames, valueNames: newValueNames } } : {}),
  };
}

function floatDtype(file: string, tensor: ort.InferenceSession.TensorValueMetadata | undefined): FloatDtype {
  if (tensor?.type === 'float32' || tensor?.type === 'float16') return tensor.type;
  throw eagerModelError(file, `${tensor?.name ?? 'a tensor'} has type ${tensor?.type ?? 'unknown'}; expected float32 or float16`);
}

function checkKvShape(file: string, tensor: ort.InferenceSession.TensorValueMetadata | undefined, heads: number, headDim: number, dtype: FloatDtype): void {
  if (!tensor) return;
  if (tensor.type !== dtype) throw eagerModelError(file, `${tensor.name} has type ${tensor.type}, other past tensors ${dtype}`);
  const [, shapeHeads, , shapeHeadDim] = tensor.shape;
  const mismatch = (value: unknown, expected: number): boolean => typeof value === 'number' && value !== expected;
  if (tensor.shape.length !== 4 || mismatch(shapeHeads, heads) || mismatch(shapeHeadDim, headDim)) {
    throw eagerModelError(file, `${tensor.name} has shape [${tensor.shape.join(', ')}]; expected [batch, ${heads}, past_sequence_length, ${headDim}] from the model config`);
  }
}

function logitsWidth(file: string, logits: ort.InferenceSession.TensorValueMetadata, vocabSize: number): number {
  const width = logits.shape[2];
  if (typeof width === 'number' && width !== vocabSize) throw eagerModelError(file, `logits has ${width} columns; the config says vocab_size ${vocabSize}`);
  return vocabSize;
}
