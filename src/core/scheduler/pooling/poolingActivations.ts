// Turning a row's output into an answer. Sums in float64; results as plain numbers or fresh arrays.

/** `vector` scaled to unit L2 norm (a zero vector stays zero). */
export function l2Normalized(vector: Float32Array): Float32Array {
  let sumSquares = 0;
  for (const value of vector) sumSquares += value * value;
  const norm = Math.sqrt(sumSquares);
  return norm === 0 ? vector.slice() : vector.map((value) => value / norm);
}

export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

export function softmax(logits: Float32Array): number[] {
  let max = -Infinity;
  for (const value of logits) max = Math.max(max, value);
  const exps = Array.from(logits, (value) => Math.exp(value - max));
  const sum = exps.reduce((total, value) => total + value, 0);
  return exps.map((value) => value / sum);
}
