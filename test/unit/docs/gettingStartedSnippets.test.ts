// The TypeScript of docs/getting-started.md runs as printed: each ```ts block is written under out/ (its
// `./src/…` imports pointed at the checkout, `models/tiny` at a freshly built tiny model), run by node through
// tsx, and prints what the page says it does.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/sharedPaths.js';
import { buildTinyModel } from '../../support/tinyModel.js';

const SNIPPET_DIR = join(REPO_ROOT, 'out', 'docs-snippets');

/** The page's ```ts blocks, in order. */
function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match) => match[1]!);
}

const blocks = typescriptBlocks(readFileSync(join(REPO_ROOT, 'docs/getting-started.md'), 'utf8'));
const model = buildTinyModel();

/** Runs one block as the page prints it, from a file two levels under the checkout. */
function runBlock(index: number): string {
  mkdirSync(SNIPPET_DIR, { recursive: true });
  const file = join(SNIPPET_DIR, `getting-started-${index}.ts`);
  const source = blocks[index]!.replaceAll("from './src/", "from '../../src/").replaceAll("'models/tiny'", JSON.stringify(model.dir));
  writeFileSync(file, source);
  return execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

afterAll(() => {
  model.remove();
  rmSync(SNIPPET_DIR, { recursive: true, force: true });
});

describe('having the TypeScript of docs/getting-started.md', () => {
  it('should hold the two examples: the async engine and the core', () => {
    expect(blocks).toHaveLength(2);
    expect(blocks[0]).toContain('createLlmEngine');
    expect(blocks[1]).toContain('registerCore');
  });

  it('should stream a generation with the engine and end with its finish reason and usage', () => {
    expect(runBlock(0)).toMatch(/length \{ promptTokens: \d+, completionTokens: 16, totalTokens: \d+ \}\n$/);
  });

  it('should run the core step by step until the request ends with its four tokens', () => {
    expect(runBlock(1)).toBe('a length [ 42, 42, 42, 42 ]\n');
  });
});
