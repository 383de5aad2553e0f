// The one error a model directory can raise. Every message starts with the file's path, so a user
// knows which file to fix without reading a stack trace.

export type ModelDirErrorKind = 'missing-file' | 'invalid-json' | 'invalid-config' | 'unsupported-model-type';

export class ModelDirError extends Error {
  override readonly name = 'ModelDirError';

  constructor(
    readonly kind: ModelDirErrorKind,
    /** The file at fault (absolute or as given), or the directory when no file could be chosen. */
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}
