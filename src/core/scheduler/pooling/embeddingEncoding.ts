/**
 * An embedding as OpenAI's `encoding_format: "base64"` sends it: the float32 values as little-endian bytes,
 * base64-encoded (what the `openai` client decodes with `Float32Array` on a little-endian host).
 */
export function embeddingToBase64(vector: Float32Array): string {
  const bytes = new Uint8Array(vector.length * 4);
  const view = new DataView(bytes.buffer);
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return Buffer.from(bytes).toString('base64');
}

/** The inverse of {@link embeddingToBase64}. */
export function embeddingFromBase64(encoded: string): Float32Array {
  const bytes = Buffer.from(encoded, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(i * 4, true));
}
