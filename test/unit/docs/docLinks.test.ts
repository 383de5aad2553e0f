// The README and every docs/ page link only to files that exist and to headings those pages have, name only
// repository paths that exist (`src/…`, `test/…`, `bench/…` in prose, tables and commands), and the docs
// index (docs/README.md) links every page of docs/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { headingSlug, isExternal, markdownAnchors, markdownLinks } from '../../support/markdownLinks.js';
import { REPO_ROOT } from '../../support/sharedPaths.js';

const DOCS_DIR = join(REPO_ROOT, 'docs');

/** The pages checked: the README and the Markdown of docs/ (not the generated API reference, docs/api). */
function pages(): string[] {
  const docs = readdirSync(DOCS_DIR).filter((name) => name.endsWith('.md')).map((name) => join(DOCS_DIR, name));
  return [join(REPO_ROOT, 'README.md'), ...docs];
}

/** Every link of a page that does not resolve, as `page:line target (why)`. */
function brokenLinks(page: string): string[] {
  const broken: string[] = [];
  for (const { line, target } of markdownLinks(readFileSync(page, 'utf8'))) {
    if (isExternal(target)) continue;
    const [path = '', anchor] = target.split('#', 2);
    const file = path === '' ? page : resolve(dirname(page), decodeURIComponent(path));
    const where = `${relative(REPO_ROOT, page)}:${line} ${target}`;
    if (!existsSync(file)) {
      broken.push(`${where} (no file ${relative(REPO_ROOT, file)})`);
      continue;
    }
    if (anchor === undefined || anchor === '') continue;
    if (statSync(file).isDirectory() || !file.endsWith('.md')) {
      broken.push(`${where} (an anchor into a file that is not Markdown)`);
      continue;
    }
    if (!markdownAnchors(readFileSync(file, 'utf8')).has(decodeURIComponent(anchor))) broken.push(`${where} (no heading with that anchor in ${relative(REPO_ROOT, file)})`);
  }
  return broken;
}

/** Paths the pages name as examples of what one would add (architecture.md: a new backend). */
const HYPOTHETICAL_PATHS = new Set(['src/backends/foo']);

/** Every repository path a page names (relative to the root: src/, test/, bench/, sim/, …) that does not exist. */
function missingPaths(page: string): string[] {
  const text = readFileSync(page, 'utf8');
  const missing: string[] = [];
  for (const match of text.matchAll(/(?<![\w./-])((?:src|test|bench|sim|deploy|examples|bin|\.ci)\/[\w./-]*\w)/g)) {
    const path = match[1]!;
    if (path.includes('*') || HYPOTHETICAL_PATHS.has(path)) continue;
    if (existsSync(join(REPO_ROOT, path)) || existsSync(join(REPO_ROOT, `${path}.ts`))) continue;
    missing.push(`${relative(REPO_ROOT, page)}:${text.slice(0, match.index).split('\n').length} ${path}`);
  }
  return missing;
}

describe('having the README and the docs pages', () => {
  it.each(pages().map((page) => [relative(REPO_ROOT, page), page]))('should link from %s only to files and headings that exist', (_name, page) => {
    expect(brokenLinks(page)).toEqual([]);
  });

  it.each(pages().map((page) => [relative(REPO_ROOT, page), page]))('should name in %s only repository paths that exist', (_name, page) => {
    expect(missingPaths(page)).toEqual([]);
  });

  it('should link every docs page from the docs index', () => {
    const index = join(DOCS_DIR, 'README.md');
    const linked = new Set(markdownLinks(readFileSync(index, 'utf8')).map(({ target }) => resolve(DOCS_DIR, target.split('#')[0]!)));
    const unlinked = pages().filter((page) => dirname(page) === DOCS_DIR && page !== index && !linked.has(page));
    expect(unlinked.map((page) => relative(REPO_ROOT, page))).toEqual([]);
  });
});

describe('having the link checker itself', () => {
  it("should make GitHub's anchors of headings with code, punctuation and repeats", () => {
    expect(headingSlug('`spyre sim tune --tp`: cards as the cost')).toBe('spyre-sim-tune---tp-cards-as-the-cost');
    expect(headingSlug('Parallel sampling (n > 1): one prefill, forked blocks')).toBe('parallel-sampling-n--1-one-prefill-forked-blocks');
    expect([...markdownAnchors('# A\n## Notes\n```\n# not a heading\n```\n### Notes\n')]).toEqual(['a', 'notes', 'notes-1']);
  });

  it('should find links and images in prose, and none in code', () => {
    const markdown = 'See [the server](server.md#routes) and ![plot](img/a.png "a plot").\n`[not](code.md)`\n```\n[not](fenced.md)\n```\n';
    expect(markdownLinks(markdown)).toEqual([{ line: 1, target: 'server.md#routes' }, { line: 1, target: 'img/a.png' }]);
  });
});
