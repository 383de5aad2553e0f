import { EngineError } from '../core/contracts/errors.js';
import { ModelDirError, type ModelDirErrorKind } from '../models/dir/index.js';

/** What a user does about each model-directory fault, appended to the one-line error. */
const MODEL_DIR_FIXES: Readonly<Record<ModelDirErrorKind, string>> = {
  'missing-file': 'pass a model directory in the Hugging Face layout (config.json, tokenizer.json, onnx/model.onnx), or `spyre model build` one',
  'invalid-json': 'the file is damaged: download or export the model again',
  'invalid-config': 'fix that file, or export the model again with a supported exporter (optimum or onnxruntime-genai)',
  'unsupported-model-type': 'serve a model of a supported architecture',
};

/** The one line a model-directory fault prints: the file, what is wrong, and the fix. */
export function modelDirErrorLine(error: ModelDirError): string {
  return `${error.message}; ${MODEL_DIR_FIXES[error.kind]}`;
}

/** Node's codes of a path the user gave that cannot be read or written as asked. */
const PATH_FAULT_CODES = new Set(['ENOENT', 'ENOTDIR', 'EISDIR', 'EACCES', 'EPERM', 'EROFS', 'EEXIST', 'ENOSPC']);

/** The file-system fault of a path (Node's `{ code, path }` error), if that is what `error` is. */
export function pathFault(error: unknown): (Error & { code: string; path: string }) | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path } = error as { code?: unknown; path?: unknown };
  return typeof code === 'string' && typeof path === 'string' && PATH_FAULT_CODES.has(code) ? (error as Error & { code: string; path: string }) : undefined;
}

/**
 * Runs a command's body and turns an EngineError, a model-directory fault or a path that cannot be read or
 * written (an --out whose directory does not exist) into one clear line on stderr and exit code 2 (bad
 * input) instead of a stack trace. Anything else is a bug and keeps its stack.
 */
export async function runCliAction(body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    const fault = pathFault(error);
    if (error instanceof EngineError || error instanceof ModelDirError || fault !== undefined) {
      const line = error instanceof ModelDirError ? modelDirErrorLine(error) : fault !== undefined ? `${fault.message}; check the path: an output's directory must exist and be writable` : (error as Error).message;
      process.stderr.write(`error: ${line}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
