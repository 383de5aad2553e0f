// Where the sendnn library comes from: SPYRE_SENDNN_LIBRARY when set (used as is), else the bundled
// emulator, built from source with the machine's C compiler when it is missing or out of date.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineError } from '../../core/contracts/errors.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The emulator's sources (sendnn_abi.h, emulator/, Makefile). */
export const NATIVE_SOURCE_DIR = join(REPO_ROOT, 'src/backends/sendnn/native');
/** Where `npm run build:native` puts the emulator. */
export const BUNDLED_EMULATOR_PATH = join(REPO_ROOT, 'build/native/libsendnn_emu.so');

function hasCommand(command: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Runs the emulator's Makefile (a no-op when the library is up to date). */
export function buildBundledEmulator(): string {
  const compiler = ['cc', 'gcc', 'clang'].find(hasCommand);
  if (!hasCommand('make') || compiler === undefined) {
    throw new EngineError(
      'backend_failed',
      `sendnn library not found: tried ${BUNDLED_EMULATOR_PATH}, and it cannot be built here (no ${compiler === undefined ? 'C compiler (cc, gcc or clang)' : 'make'} on PATH). ` +
        'Install gcc and make and run `npm run build:native`, or set SPYRE_SENDNN_LIBRARY to the path of a library that implements the sendnn ABI.',
    );
  }
  try {
    execFileSync('make', ['-s', '-C', NATIVE_SOURCE_DIR, `OUT=${dirname(BUNDLED_EMULATOR_PATH)}`, `CC=${compiler}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? '').trim();
    throw new EngineError('backend_failed', `building the sendnn emulator (make -C ${NATIVE_SOURCE_DIR}) failed: ${stderr || (error as Error).message}`);
  }
  return BUNDLED_EMULATOR_PATH;
}

/**
 * The library to load: `configured` (SPYRE_SENDNN_LIBRARY) as given, or the bundled emulator, rebuilt when
 * make and a compiler are available and it is missing or older than its sources.
 */
export function resolveSendnnLibraryPath(configured: string | undefined): string {
  if (configured !== undefined) return resolve(configured);
  if (existsSync(BUNDLED_EMULATOR_PATH) && !hasCommand('make')) return BUNDLED_EMULATOR_PATH;
  try {
    return buildBundledEmulator();
  } catch (error) {
    // A library that exists but cannot be rebuilt here (read-only install, no compiler) is still usable.
    if (existsSync(BUNDLED_EMULATOR_PATH)) return BUNDLED_EMULATOR_PATH;
    throw error;
  }
}
