/**
 * The process tree as text for a terminal: one line per process, drawn with box-drawing
 * connectors, oldest child first.
 *
 * @module
 */
import type { TreeArrays } from "./_process_build.ts";

/** What a line shows for one process. */
export interface TreeLine {
  readonly name: string;
  readonly pid: string;
  readonly time?: string;
  readonly commandLine?: string;
  readonly account?: string;
  readonly inferred: boolean;
}

/** Options of the text rendering. */
export interface RenderOptions {
  /** Show command lines (default true). */
  readonly commandLines?: boolean;
  /** Show times (default true). */
  readonly times?: boolean;
  /** Show accounts (default false). */
  readonly accounts?: boolean;
  /** Cut each line at this many characters (default 160; 0 for no limit). */
  readonly width?: number;
  /** At most this many children under one parent; the rest are counted (default: all). */
  readonly maxChildren?: number;
  /** Show images' full paths instead of file names (default false). */
  readonly fullPaths?: boolean;
  /** Rows deeper than this below the shown roots are left out (default: all). */
  readonly maxDepth?: number;
}

/**
 * Renders the rows in `selected` (tree-order positions, ascending). A row whose parent is
 * not selected hangs under its nearest selected ancestor, or starts a tree.
 */
export function renderTree(
  arrays: TreeArrays,
  selected: Int32Array,
  line: (row: number) => TreeLine,
  hostOf: (row: number) => string,
  options: RenderOptions = {},
): string {
  const inSet = new Map<number, number>();
  selected.forEach((row, i) => inSet.set(row, i));
  const m = selected.length;
  const visibleParent = new Int32Array(m).fill(-1);
  for (let i = 0; i < m; i++) {
    let p = arrays.parent[selected[i]];
    while (p >= 0 && !inSet.has(p)) p = arrays.parent[p];
    visibleParent[i] = p >= 0 ? inSet.get(p)! : -1;
  }
  // Children per visible parent (selection positions, in tree order).
  const kids: number[][] = Array.from({ length: m }, () => []);
  const tops: number[] = [];
  for (let i = 0; i < m; i++) {
    if (visibleParent[i] >= 0) kids[visibleParent[i]].push(i);
    else tops.push(i);
  }
  const width = options.width ?? 160;
  const maxChildren = options.maxChildren ?? Infinity;
  const maxDepth = options.maxDepth ?? Infinity;
  const out: string[] = [];
  const emit = (text: string) =>
    out.push(width > 0 && text.length > width ? `${text.slice(0, width - 1)}…` : text);
  let lastHost: string | undefined;
  const describe = (row: number): string => {
    const l = line(row);
    const name = options.fullPaths ? l.name : l.name.replace(/^.*[\\/]/, "");
    const parts = [`${name} [${l.pid}]`];
    if (l.inferred) parts.push("(inferred parent)");
    if (options.times !== false && l.time) parts.push(l.time);
    if (options.accounts && l.account) parts.push(l.account);
    if (options.commandLines !== false && l.commandLine) parts.push(l.commandLine);
    return parts.join("  ");
  };
  // Iterative depth-first walk; `prefix` carries the vertical bars of open ancestors.
  for (const top of tops) {
    const host = hostOf(selected[top]);
    if (host !== lastHost) {
      if (out.length > 0) out.push("");
      out.push(host === "" ? "(no host)" : host);
      lastHost = host;
    }
    const stack: Array<{ i: number; prefix: string; last: boolean; level: number; more?: number }> =
      [{ i: top, prefix: "", last: true, level: 0 }];
    while (stack.length > 0) {
      const { i, prefix, last, level, more } = stack.pop()!;
      if (more !== undefined) {
        emit(`${prefix}└─ … ${more} more`);
        continue;
      }
      // Roots start at the margin; everything below hangs from a connector.
      emit(
        level === 0
          ? describe(selected[i])
          : `${prefix}${last ? "└─ " : "├─ "}${describe(selected[i])}`,
      );
      const childPrefix = level === 0 ? "" : prefix + (last ? "   " : "│  ");
      const children = kids[i];
      if (children.length === 0) continue;
      if (level >= maxDepth) {
        emit(`${childPrefix}└─ … ${children.length} more below`);
        continue;
      }
      const shown = children.slice(0, maxChildren);
      const hidden = children.length - shown.length;
      // The stack pops in reverse: the "more" line goes in first so it comes out last.
      if (hidden > 0) stack.push({ i: -1, prefix: childPrefix, last: true, level, more: hidden });
      for (let k = shown.length - 1; k >= 0; k--) {
        stack.push({
          i: shown[k],
          prefix: childPrefix,
          last: k === shown.length - 1 && hidden === 0,
          level: level + 1,
        });
      }
    }
  }
  return out.join("\n");
}
