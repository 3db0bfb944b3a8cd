/** Shared helpers of the chart tests: the demo case provider, spec digging, PNG reading. */
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { type LocalProvider, openLocalProvider } from "../../mod.ts";

let provider: Promise<LocalProvider> | undefined;

/** The bundled demo case, opened once per test file. */
export function demo(): Promise<LocalProvider> {
  provider ??= openLocalProvider();
  return provider;
}

type Json = Record<string, unknown>;

/** The inline data rows of a vega-lite spec (top level or first layer with data). */
export function rowsOf(spec: Json): Json[] {
  const data = (spec.data ?? (spec.layer as Json[] | undefined)?.find((l) => l.data)?.data) as
    | { values: Json[] }
    | undefined;
  if (!data) throw new Error("spec has no inline data");
  return data.values;
}

/** Width, height and whether the image has more than one colour, from PNG bytes. */
export function readPng(bytes: Uint8Array): { width: number; height: number; colours: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24];
  const colourType = bytes[25];
  if (bitDepth !== 8 || (colourType !== 6 && colourType !== 2)) {
    throw new Error(`unexpected PNG format ${bitDepth}/${colourType}`);
  }
  const channels = colourType === 6 ? 4 : 3;
  const chunks: Uint8Array[] = [];
  let at = 8;
  while (at < bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === "IDAT") chunks.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(chunks));
  // Undo the PNG row filters to count real pixel colours.
  const stride = width * channels;
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= channels ? pixels[y * stride + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels] : 0;
      let predicted = 0;
      if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const pa = Math.abs(p - left), pb = Math.abs(p - up), pc = Math.abs(p - upLeft);
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      }
      pixels[y * stride + x] = (value + predicted) & 0xff;
    }
  }
  const colours = new Set<number>();
  for (let i = 0; i < pixels.length && colours.size < 1000; i += channels) {
    colours.add((pixels[i] << 16) | (pixels[i + 1] << 8) | pixels[i + 2]);
  }
  return { width, height, colours: colours.size };
}
