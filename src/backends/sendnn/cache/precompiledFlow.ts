// SPEC §6, VLLM_SPYRE_REQUIRE_PRECOMPILED_DECODERS: the file-system half of the flow. The texts, the
// matching and the warnings are pure functions in core/catalog.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_SETUP_REQUIRED, CATALOG_FILE_NAME, catalogMissing, disableCompilationLine, noMatchWarning } from '../../../core/catalog/catalogTexts.js';
import { describeConfiguration, matchCatalog, matchedEntryWarnings, parseCatalog, type CatalogConfiguration, type CatalogEntry } from '../../../core/catalog/precompiledCatalog.js';
import type { EngineConfig } from '../../../core/contracts/config.js';
import { EngineError } from '../../../core/contracts/errors.js';
import type { Logger } from '../../../core/contracts/logger.js';

export interface PrecompiledDecision {
  /** True when programs must come from the cache: a missing one is `RuntimeError: Compilation disabled`. */
  readonly compilationDisabled: boolean;
  readonly matchedEntry: CatalogEntry | undefined;
}

const isDirectory = (path: string): boolean => existsSync(path) && statSync(path).isDirectory();

/** Runs steps 1–5 of SPEC §6 at startup. Pooling models ignore the variable. */
export function applyPrecompiledFlow(config: EngineConfig, catalogConfig: CatalogConfiguration, logger: Logger): PrecompiledDecision {
  if (!config.requirePrecompiledDecoders || config.task !== 'generate') return { compilationDisabled: false, matchedEntry: undefined };
  logger.info(disableCompilationLine(config.model));
  const cacheDir = config.sendnnCacheDir;
  if (!config.sendnnCacheEnable || cacheDir === undefined || !isDirectory(cacheDir)) throw new EngineError('invalid_config', CACHE_SETUP_REQUIRED);
  const catalogPath = join(cacheDir, CATALOG_FILE_NAME);
  if (!existsSync(catalogPath)) throw new EngineError('invalid_config', catalogMissing(catalogPath));
  const entries = parseCatalog(readFileSync(catalogPath, 'utf8'), catalogPath);
  const index = matchCatalog(entries, catalogConfig);
  if (index < 0) {
    logger.warn(noMatchWarning(catalogPath, describeConfiguration(catalogConfig)));
    return { compilationDisabled: true, matchedEntry: undefined };
  }
  const entry = entries[index] as CatalogEntry;
  for (const warning of matchedEntryWarnings(entry, catalogConfig)) logger.warn(warning);
  return { compilationDisabled: true, matchedEntry: entry };
}
