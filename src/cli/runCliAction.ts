import { EngineError } from '../core/contracts/errors.js';

/**
 * Runs a command's body and turns an EngineError into one clear line on stderr and exit code 2 (bad
 * input) instead of a stack trace. Anything else is a bug and keeps its stack.
 */
export async function runCliAction(body: () => void | Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (error instanceof EngineError) {
      process.stderr.write(`error: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
