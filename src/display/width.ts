/**
 * How many terminal columns text takes: East Asian wide and fullwidth characters and emoji
 * take two, combining marks and zero-width characters none, ANSI escape sequences none.
 * Tables pad, and the pager measures, by this rather than by `string.length`.
 *
 * @module
 */

// CSI (colours, cursor), OSC (titles, links, ended by BEL or ST) and two-byte escapes.
// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;
const ZERO = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]$/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F|\p{Regional_Indicator}{2}/u;
const SEGMENTER = new Intl.Segmenter("en", { granularity: "grapheme" });

// East Asian Wide (W) and Fullwidth (F) blocks of Unicode's EastAsianWidth.txt, outside
// the emoji (caught above): Hangul Jamo, CJK radicals to CJK compatibility, Hangul
// syllables, CJK compatibility ideographs, vertical and small forms, fullwidth forms,
// Tangut and Kana supplements, and the supplementary ideographic planes.
const WIDE: ReadonlyArray<readonly [number, number]> = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2e80, 0x303e],
  [0x3041, 0x33ff],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xa000, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x18aff],
  [0x1b000, 0x1b2ff],
  [0x1f300, 0x1f64f],
  [0x1f900, 0x1f9ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

function isWide(code: number): boolean {
  let lo = 0, hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [from, to] = WIDE[mid];
    if (code < from) hi = mid - 1;
    else if (code > to) lo = mid + 1;
    else return true;
  }
  return false;
}

function clusterWidth(cluster: string): number {
  if (EMOJI.test(cluster)) return 2;
  const first = cluster.codePointAt(0)!;
  // A lone combining mark, a zero-width space or joiner, a control character: no column.
  if (ZERO.test(String.fromCodePoint(first))) return 0;
  return isWide(first) ? 2 : 1;
}

/**
 * The number of terminal columns `text` takes on one line: 2 for each East Asian wide or
 * fullwidth character and each emoji (a ZWJ sequence or a flag counts once), 0 for
 * combining marks, zero-width and control characters and ANSI escape sequences, 1 for the
 * rest. Newlines are not lines here: measure each line on its own.
 *
 * @param text The text, ANSI colours and all.
 * @returns Its width in columns.
 *
 * @example Wide characters, emoji, combining marks and colours
 * ```ts
 * import assert from "node:assert/strict";
 * import { displayWidth } from "./mod.ts";
 *
 * assert.equal(displayWidth("admin"), 5);
 * assert.equal(displayWidth("田中太郎"), 8); // four CJK ideographs, two columns each
 * assert.equal(displayWidth("e\u0301"), 1); // e with a combining acute accent
 * assert.equal(displayWidth("🔥"), 2);
 * assert.equal(displayWidth("\x1b[31mred\x1b[0m"), 3);
 * ```
 */
export function displayWidth(text: string): number {
  let plain = text;
  if (plain.includes("\x1b")) plain = plain.replace(ANSI, "");
  // Printable ASCII, the usual case: one column each.
  if (/^[\x20-\x7e]*$/.test(plain)) return plain.length;
  let width = 0;
  for (const { segment } of SEGMENTER.segment(plain)) width += clusterWidth(segment);
  return width;
}

/**
 * The longest start of `text` that fits `width` columns, never splitting a character or
 * a cluster (a wide character that would straddle the edge is left out).
 *
 * @param text The text (without ANSI escapes: they are counted as any other character).
 * @param width The columns available.
 * @returns The start of `text` and its width.
 *
 * @example A wide name cut to five columns
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitWidth } from "./mod.ts";
 *
 * // Two ideographs take four columns; a third would need six.
 * assert.deepEqual(fitWidth("田中太郎", 5), { text: "田中", width: 4 });
 * assert.deepEqual(fitWidth("admin", 3), { text: "adm", width: 3 });
 * ```
 */
export function fitWidth(text: string, width: number): { text: string; width: number } {
  if (/^[\x20-\x7e]*$/.test(text)) {
    const kept = text.slice(0, Math.max(0, width));
    return { text: kept, width: kept.length };
  }
  let used = 0, end = 0;
  for (const { segment, index } of SEGMENTER.segment(text)) {
    const w = clusterWidth(segment);
    if (used + w > width) break;
    used += w;
    end = index + segment.length;
  }
  return { text: text.slice(0, end), width: used };
}

/**
 * `text` padded with spaces to `width` columns, on the right (`end`, the default) or on
 * the left (`start`, for numbers); text already as wide or wider is returned as is.
 *
 * @param text The text.
 * @param width The columns it should take.
 * @param side Where the spaces go.
 * @returns The padded text.
 *
 * @example Columns of mixed-width names line up
 * ```ts
 * import assert from "node:assert/strict";
 * import { padWidth } from "./mod.ts";
 *
 * assert.equal(padWidth("田中", 6) + "|", "田中  |");
 * assert.equal(padWidth("bob", 6) + "|", "bob   |");
 * assert.equal(padWidth("42", 4, "start"), "  42");
 * ```
 */
export function padWidth(text: string, width: number, side: "start" | "end" = "end"): string {
  const missing = width - displayWidth(text);
  if (missing <= 0) return text;
  return side === "start" ? " ".repeat(missing) + text : text + " ".repeat(missing);
}
