// Single-vector kernels for the reference forward. Sums run in float64 (JS numbers), so the
// reference is at least as accurate as the fp32 runtime it checks.

/** x [inFeatures] times w [inFeatures, outFeatures] (row-major), as MatMul with the stored layout. */
export function matVec(x: Float32Array, w: Float32Array, outFeatures: number): Float32Array<ArrayBuffer> {
  const sums = new Float64Array(outFeatures);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    const row = i * outFeatures;
    for (let j = 0; j < outFeatures; j++) sums[j] = (sums[j] as number) + xi * (w[row + j] as number);
  }
  return Float32Array.from(sums);
}

export function rmsNorm(x: Float32Array, weight: Float32Array, eps: number): Float32Array {
  let sumSquares = 0;
  for (const value of x) sumSquares += value * value;
  const inverseRms = 1 / Math.sqrt(sumSquares / x.length + eps);
  return x.map((value, i) => value * inverseRms * (weight[i] as number));
}

/** Rotate-half rotary embedding of each head in `x` ([numHeads * headDim]) at `position`, in place. */
export function applyRotary(x: Float32Array, numHeads: number, headDim: number, position: number, ropeTheta: number): void {
  const half = headDim / 2;
  for (let i = 0; i < half; i++) {
    const angle = position * Math.pow(ropeTheta, (-2 * i) / headDim);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    for (let head = 0; head < numHeads; head++) {
      const a = x[head * headDim + i] as number;
      const b = x[head * headDim + half + i] as number;
      x[head * headDim + i] = a * cos - b * sin;
      x[head * headDim + half + i] = b * cos + a * sin;
    }
  }
}

export function softmaxInPlace(scores: Float64Array): void {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let sum = 0;
  for (let i = 0; i < scores.length; i++) sum += scores[i] = Math.exp((scores[i] as number) - max);
  for (let i = 0; i < scores.length; i++) scores[i] = (scores[i] as number) / sum;
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
