// The ORT GPT-2 export run by onnxruntime itself, one sequence, recomputing the whole prefix each token (an empty
// stacked past): the oracle for the sendnn GPT-2 programs, since the eager backend does not serve the legacy
// stacked-past layout. int32 ids, positions and mask, `past_%d` of [2, 1, heads, 0, head_dim].
import * as ort from 'onnxruntime-node';

export interface LegacyGpt2Oracle {
  /** Greedy continuation and the logits that chose the first new token. */
  greedy(prompt: readonly number[], maxTokens: number): Promise<{ tokens: number[]; firstLogits: Float32Array }>;
  release(): Promise<void>;
}

export async function openLegacyGpt2Oracle(onnxPath: string, layers: number, heads: number, headDim: number, vocab: number): Promise<LegacyGpt2Oracle> {
  const session = await ort.InferenceSession.create(onnxPath);
  const logitsOf = async (ids: readonly number[]): Promise<Float32Array> => {
    const n = ids.length;
    const int32 = (values: number[]): ort.Tensor => new ort.Tensor('int32', Int32Array.from(values), [1, n]);
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int32([...ids]), position_ids: int32(ids.map((_, i) => i)), attention_mask: int32(ids.map(() => 1)),
    };
    for (let layer = 0; layer < layers; layer++) feeds[`past_${layer}`] = new ort.Tensor('float32', new Float32Array(0), [2, 1, heads, 0, headDim]);
    const logits = (await session.run(feeds))['logits']?.data as Float32Array;
    return logits.slice((n - 1) * vocab, n * vocab);
  };
  const argmax = (values: Float32Array): number => values.reduce((best, v, i) => (v > (values[best] as number) ? i : best), 0);
  return {
    async greedy(prompt, maxTokens) {
      const ids = [...prompt];
      const tokens: number[] = [];
      let firstLogits: Float32Array = new Float32Array(0);
      while (tokens.length < maxTokens) {
        const logits = await logitsOf(ids);
        if (tokens.length === 0) firstLogits = logits;
        const next = argmax(logits);
        tokens.push(next);
        ids.push(next);
      }
      return { tokens, firstLogits };
    },
    release: () => session.release(),
  };
}
