// The catalog file on disk: read, write atomically, and check entries against the artifacts they name.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ARTIFACT_EXTENSION } from '../../../core/catalog/cacheKey.js';
import { CATALOG_FILE_NAME } from '../../../core/catalog/catalogTexts.js';
import { parseCatalog, type CatalogEntry, type CatalogProgram } from '../../../core/catalog/precompiledCatalog.js';

export const catalogPathOf = (cacheDir: string): string => join(cacheDir, CATALOG_FILE_NAME);

/** The entries of the catalog in `cacheDir`; a missing file is an empty catalog. */
export function readCatalogFile(cacheDir: string): CatalogEntry[] {
  const path = catalogPathOf(cacheDir);
  return existsSync(path) ? parseCatalog(readFileSync(path, 'utf8'), path) : [];
}

export function writeCatalogFile(cacheDir: string, entries: readonly CatalogEntry[]): void {
  const path = catalogPathOf(cacheDir);
  const temp = `${path}.tmp.${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(entries, null, 2)}\n`);
  renameSync(temp, path);
}

/** A program's record: its file name, size and sha256. */
export function describeArtifact(name: string, artifactPath: string): CatalogProgram {
  const bytes = readFileSync(artifactPath);
  return { name, file: basename(artifactPath), bytes: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') };
}

export interface EntryCheck {
  readonly index: number;
  readonly entry: CatalogEntry;
  /** Empty when every program of the entry is in the cache, intact. */
  readonly problems: readonly string[];
}

function programProblem(cacheDir: string, program: CatalogProgram): string | undefined {
  const path = join(cacheDir, program.file);
  if (!existsSync(path)) return `${program.name}: ${program.file} is missing`;
  if (statSync(path).size !== program.bytes) return `${program.name}: ${program.file} has ${statSync(path).size} bytes, expected ${program.bytes}`;
  const actual = describeArtifact(program.name, path).sha256;
  return actual === program.sha256 ? undefined : `${program.name}: ${program.file} is corrupted (sha256 ${actual.slice(0, 12)}…, expected ${program.sha256.slice(0, 12)}…)`;
}

/** Checks that every entry's programs are in the cache with the recorded size and hash. */
export function verifyCatalog(cacheDir: string): EntryCheck[] {
  return readCatalogFile(cacheDir).map((entry, index) => {
    const programs = entry.spyre_engine?.programs;
    if (programs === undefined || programs.length === 0) return { index, entry, problems: ['the entry records no programs (not made by spyre catalog add)'] };
    const problems = programs.map((program) => programProblem(cacheDir, program)).filter((problem): problem is string => problem !== undefined);
    return { index, entry, problems };
  });
}

export interface PruneReport {
  readonly removedEntries: readonly EntryCheck[];
  readonly removedArtifacts: readonly string[];
}

/** Drops entries whose programs are missing or corrupted; with `removeOrphans`, deletes artifacts no entry names. */
export function pruneCatalog(cacheDir: string, removeOrphans: boolean): PruneReport {
  const checks = verifyCatalog(cacheDir);
  const kept = checks.filter((check) => check.problems.length === 0).map((check) => check.entry);
  const removedEntries = checks.filter((check) => check.problems.length > 0);
  if (removedEntries.length > 0) writeCatalogFile(cacheDir, kept);
  const removedArtifacts: string[] = [];
  if (removeOrphans) {
    const named = new Set(kept.flatMap((entry) => (entry.spyre_engine?.programs ?? []).map((program) => program.file)));
    for (const file of readdirSync(cacheDir)) {
      if (!file.endsWith(ARTIFACT_EXTENSION) || named.has(file)) continue;
      rmSync(join(cacheDir, file));
      removedArtifacts.push(file);
    }
  }
  return { removedEntries, removedArtifacts };
}
