/**
 * The fonts charts are drawn with: DejaVu Sans, shipped as an npm package so text renders
 * the same on every machine (system fonts are the fallback). Vega lays text out with the
 * fonts' real advance widths, so labels fit in the PNG exactly as measured.
 */
import { createRequire } from "node:module";
import { ChartError } from "./errors.ts";

/** The regular and bold faces, as TrueType bytes. */
export interface ChartFonts {
  readonly regular: Uint8Array;
  readonly bold: Uint8Array;
}

const PACKAGED = {
  regular: "dejavu-fonts-ttf/ttf/DejaVuSans.ttf",
  bold: "dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf",
};
const SYSTEM = {
  regular: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  bold: "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
};

let loaded: ChartFonts | undefined;

/** The chart fonts (read once). */
export function chartFonts(): ChartFonts {
  loaded ??= { regular: readFont("regular"), bold: readFont("bold") };
  return loaded;
}

function readFont(face: "regular" | "bold"): Uint8Array {
  const candidates: string[] = [];
  try {
    candidates.push(createRequire(import.meta.url).resolve(PACKAGED[face]));
  } catch {
    // Not installed as a package here: try the system's copy.
  }
  candidates.push(SYSTEM[face]);
  for (const path of candidates) {
    try {
      return Deno.readFileSync(path);
    } catch {
      // Try the next place.
    }
  }
  throw new ChartError("Cannot render text: the DejaVu Sans font was not found.", {
    hint: "Run `deno install` in casefile's folder (it brings the dejavu-fonts-ttf package), " +
      "or install Debian's fonts-dejavu-core.",
  });
}

/** Advance widths of one TrueType face, in ems. */
export class FontMetrics {
  readonly #advances: Float64Array;
  readonly #glyphOf: Map<number, number>;

  constructor(bytes: Uint8Array) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const tables = new Map<string, number>();
    const count = view.getUint16(4);
    for (let i = 0; i < count; i++) {
      const at = 12 + 16 * i;
      const tag = String.fromCharCode(...bytes.subarray(at, at + 4));
      tables.set(tag, view.getUint32(at + 8));
    }
    const table = (tag: string): number => {
      const offset = tables.get(tag);
      if (offset === undefined) throw new ChartError(`The chart font has no '${tag}' table.`);
      return offset;
    };
    const unitsPerEm = view.getUint16(table("head") + 18);
    const metrics = view.getUint16(table("hhea") + 34);
    const numGlyphs = view.getUint16(table("maxp") + 4);
    const hmtx = table("hmtx");
    this.#advances = new Float64Array(numGlyphs);
    let last = 0;
    for (let g = 0; g < numGlyphs; g++) {
      if (g < metrics) last = view.getUint16(hmtx + 4 * g) / unitsPerEm;
      this.#advances[g] = last;
    }
    this.#glyphOf = readCmap(view, table("cmap"));
  }

  /** The width of `text` at `size` pixels. */
  width(text: string, size: number): number {
    let ems = 0;
    for (const char of text) {
      const glyph = this.#glyphOf.get(char.codePointAt(0)!) ?? 0;
      ems += this.#advances[glyph] ?? 0.6;
    }
    return ems * size;
  }
}

/** The Unicode BMP → glyph map of a font's format 4 cmap subtable (Windows, Unicode). */
function readCmap(view: DataView, cmap: number): Map<number, number> {
  const map = new Map<number, number>();
  const subtables = view.getUint16(cmap + 2);
  for (let i = 0; i < subtables; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const at = cmap + view.getUint32(cmap + 8 + 8 * i);
    if (platform !== 3 || encoding !== 1 || view.getUint16(at) !== 4) continue;
    const segments = view.getUint16(at + 6) / 2;
    const ends = at + 14;
    const starts = ends + 2 * segments + 2;
    const deltas = starts + 2 * segments;
    const ranges = deltas + 2 * segments;
    for (let s = 0; s < segments; s++) {
      const end = view.getUint16(ends + 2 * s);
      const start = view.getUint16(starts + 2 * s);
      const delta = view.getInt16(deltas + 2 * s);
      const rangeAt = ranges + 2 * s;
      const range = view.getUint16(rangeAt);
      for (let c = start; c <= end && c !== 0xffff; c++) {
        let glyph: number;
        if (range === 0) glyph = (c + delta) & 0xffff;
        else {
          glyph = view.getUint16(rangeAt + range + 2 * (c - start));
          if (glyph !== 0) glyph = (glyph + delta) & 0xffff;
        }
        if (glyph !== 0) map.set(c, glyph);
      }
    }
    return map;
  }
  return map;
}

let metrics: { regular: FontMetrics; bold: FontMetrics } | undefined;

/** Metrics of the regular and bold chart faces (parsed once). */
export function chartFontMetrics(): { regular: FontMetrics; bold: FontMetrics } {
  if (!metrics) {
    const fonts = chartFonts();
    metrics = { regular: new FontMetrics(fonts.regular), bold: new FontMetrics(fonts.bold) };
  }
  return metrics;
}
