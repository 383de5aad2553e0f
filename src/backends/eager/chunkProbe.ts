import * as ort from 'onnxruntime-node';
import type { DecoderIoLayout } from './decoderIoLayout.js';
import { kvArray } from './pagedKvStore.js';

/**
 * Whether the graph can run several new tokens on top of a past in one call (a prefill chunk after the
 * first). Optimum exports can; onnxruntime-genai's model builder writes graphs whose mask subgraph only
 * knows "prompt without past" and "one token with past", and fails with "invalid expand shape". One run
 * of 2 tokens over a 1-token past tells them apart.
 */
export async function probeChunkWithPast(session: ort.InferenceSession, io: DecoderIoLayout): Promise<boolean> {
  const ints = (values: number[]): ort.Tensor =>
    io.idsDtype === 'int64'
      ? new ort.Tensor('int64', BigInt64Array.from(values.map(BigInt)), [1, values.length])
      : new ort.Tensor('int32', Int32Array.from(values), [1, values.length]);
  const feeds: Record<string, ort.Tensor> = { input_ids: ints([0, 0]), attention_mask: ints([1, 1, 1]), position_ids: ints([1, 2]) };
  const size = io.numKvHeads * io.headDim;
  for (let layer = 0; layer < io.numLayers; layer++) {
    const past = (): ort.Tensor => new ort.Tensor(io.kvDtype, kvArray(io.kvDtype, size), [1, io.numKvHeads, 1, io.headDim]);
    feeds[io.pastKeyNames[layer] as string] = past();
    feeds[io.pastValueNames[layer] as string] = past();
  }
  try {
    // Fatal-only logging for this run: the graphs that cannot chunk make onnxruntime print their kernel's
    // error ("invalid expand shape") to stderr, and this refusal is the expected answer, not a fault.
    await session.run(feeds, { logSeverityLevel: 4 });
    return true;
  } catch {
    return false;
  }
}
