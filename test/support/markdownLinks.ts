/**
 * What a Markdown page links to and which anchors it offers, as GitHub renders it: links and images outside
 * fenced code blocks and inline code, headings turned into anchors by GitHub's rule (lower case; letters,
 * digits, spaces, `-` and `_` kept, every other character dropped; each space a `-`; a repeated anchor gets
 * `-1`, `-2`, … appended).
 */

export interface MarkdownLink {
  /** 1-based line of the page. */
  readonly line: number;
  /** The link target as written, `path#anchor`, `#anchor` or a URL. */
  readonly target: string;
}

/** The page's lines, those of fenced code blocks (and their fences) as `undefined`. */
function linesOutsideFences(markdown: string): (string | undefined)[] {
  let fence: string | undefined;
  return markdown.split('\n').map((line) => {
    const marker = /^\s*(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker !== undefined) {
      if (fence === undefined) fence = marker;
      else if (marker.startsWith(fence)) fence = undefined;
      return undefined;
    }
    return fence === undefined ? line : undefined;
  });
}

/** GitHub's anchor of one heading text (its Markdown: inline code keeps its text, a link keeps its words). */
export function headingSlug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/`/g, '')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

/** Every anchor a page offers: one per ATX heading (`#` … `######`), duplicates numbered as GitHub does. */
export function markdownAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of linesOutsideFences(markdown)) {
    const heading = line === undefined ? null : /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (heading === null) continue;
    const slug = headingSlug(heading[1]!);
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

/** Every inline link and image of a page's prose (`[text](target)`, `![alt](target "title")`). */
export function markdownLinks(markdown: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  linesOutsideFences(markdown).forEach((line, index) => {
    if (line === undefined) return;
    const prose = line.replace(/(`+).*?\1/g, '');
    for (const match of prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) links.push({ line: index + 1, target: match[1]! });
  });
  return links;
}

/** A target that leaves the repository (a URL or a mail address): not checked here. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}
