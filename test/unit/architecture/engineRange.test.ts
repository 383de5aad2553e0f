import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const semver = createRequire(import.meta.url)('semver') as {
  minVersion(range: string): { version: string } | null;
  satisfies(version: string, range: string): boolean;
};

interface LockEntry {
  readonly version?: string;
  readonly engines?: { readonly node?: string } | readonly string[];
}

const packageJson = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, LockEntry> };

/** Every locked package whose declared Node range excludes the oldest Node our own `engines` admits. */
function packagesRefusing(nodeVersion: string): string[] {
  return Object.entries(lock.packages)
    .filter(([path]) => path !== '')
    .flatMap(([path, entry]) => {
      const range = Array.isArray(entry.engines) ? undefined : (entry.engines as { node?: string } | undefined)?.node;
      return range !== undefined && !semver.satisfies(nodeVersion, range) ? [`${path}@${entry.version ?? '?'} needs node ${range}`] : [];
    });
}

describe('having the engines range of package.json and the locked dependencies', () => {
  it('when npm ci installs on the oldest Node that engines admits, should find no dependency that refuses it (no EBADENGINE)', () => {
    const oldest = semver.minVersion(packageJson.engines.node)?.version ?? 'none';
    expect(packagesRefusing(oldest)).toEqual([]);
  });

  it('when the range is checked against itself, should name a dependency that needs a newer Node than 20.0', () => {
    expect(packagesRefusing('20.0.0').length).toBeGreaterThan(0);
  });
});
