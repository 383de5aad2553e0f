import type * as ort from 'onnxruntime-node';
import type { PoolingOutputKind } from '../../../core/contracts/pooling.js';
import { eagerModelError } from '../eagerModelError.js';

/** An encoder's I/O as validated against the Optimum / transformers.js convention. Plain data. */
export interface EncoderIoLayout {
  readonly hasTokenTypeIds: boolean;
  /** Some exports take explicit positions; the runner then feeds each token's position among the real ones. */
  readonly hasPositionIds: boolean;
  readonly outputName: 'last_hidden_state' | 'logits';
  readonly outputKind: PoolingOutputKind;
  /** Hidden size (last_hidden_state) or number of labels (logits), when the graph declares it. */
  readonly declaredOutputWidth: number | undefined;
}

type Metadata = readonly ort.InferenceSession.ValueMetadata[];

const EXPECTED = 'inputs input_ids and attention_mask (int64), optional token_type_ids / position_ids; output last_hidden_state or logits (float32)';

function describe(metadata: Metadata): string {
  return metadata.map((value) => (value.isTensor ? `${value.name} (${value.type} [${value.shape.join(', ')}])` : value.name)).join(', ');
}

function tensorOf(metadata: Metadata, name: string): ort.InferenceSession.TensorValueMetadata | undefined {
  const found = metadata.find((value) => value.name === name);
  return found?.isTensor ? found : undefined;
}

/** Checks the session's I/O; throws an error naming the file, what was found and what was expected. */
export function validateEncoderIo(file: string, inputs: Metadata, outputs: Metadata): EncoderIoLayout {
  const found = `found inputs: ${describe(inputs)}; outputs: ${describe(outputs)}; expected: ${EXPECTED}`;
  for (const name of ['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']) {
    const input = tensorOf(inputs, name);
    if (input && input.type !== 'int64') throw eagerModelError(file, `${name} has type ${input.type}; the encoder runner feeds int64 (${found})`);
  }
  if (!tensorOf(inputs, 'input_ids') || !tensorOf(inputs, 'attention_mask')) throw eagerModelError(file, `not an encoder in the Optimum convention: ${found}`);
  const known = new Set(['input_ids', 'attention_mask', 'token_type_ids', 'position_ids']);
  const unknown = inputs.filter((input) => !known.has(input.name));
  if (unknown.length > 0) throw eagerModelError(file, `has inputs the encoder runner cannot feed (${unknown.map((i) => i.name).join(', ')}): ${found}`);
  const output = tensorOf(outputs, 'last_hidden_state') ?? tensorOf(outputs, 'logits');
  if (!output) throw eagerModelError(file, `has neither last_hidden_state nor logits: ${found}`);
  if (output.type !== 'float32') throw eagerModelError(file, `${output.name} has type ${output.type}; the encoder runner reads float32`);
  const lastDim = output.shape.at(-1);
  return {
    hasTokenTypeIds: tensorOf(inputs, 'token_type_ids') !== undefined,
    hasPositionIds: tensorOf(inputs, 'position_ids') !== undefined,
    outputName: output.name as EncoderIoLayout['outputName'],
    outputKind: output.name === 'logits' ? 'logits' : 'embedding',
    declaredOutputWidth: typeof lastDim === 'number' ? lastDim : undefined,
  };
}
