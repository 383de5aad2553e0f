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

/**
 * Runs a command's body and turns an EngineError or a model-directory fault into one clear line on stderr
 * and exit code 2 (bad input) instead of a stack trace. Anything else is a bug and keeps its stack.
 */
export async function runCliAction(body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof EngineError || error instanceof ModelDirError) {
      process.stderr.write(`error: ${error instanceof ModelDirError ? modelDirErrorLine(error) : error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
