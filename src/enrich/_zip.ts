/**
 * A minimal reader of zip local file headers: enough to open the small archives that
 * droppers embed in base64 (stored and deflated entries).
 *
 * @module
 */
import { inflateRawSync } from "node:zlib";

/** One entry of a zip archive. */
export interface ZipEntry {
  readonly name: string;
  /** The entry's bytes, or undefined when its compression method is not supported. */
  readonly data?: Uint8Array;
  readonly method: number;
}

/** The entries of a zip archive, read from its local file headers in order. */
export function readZip(bytes: Uint8Array, maxOutputBytes: number): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: ZipEntry[] = [];
  let offset = 0;
  while (offset + 30 <= bytes.length && view.getUint32(offset, true) === 0x04034b50) {
    const flags = view.getUint16(offset + 6, true);
    const method = view.getUint16(offset + 8, true);
    let compressed = view.getUint32(offset + 18, true);
    const nameLength = view.getUint16(offset + 26, true);
    const extraLength = view.getUint16(offset + 28, true);
    const nameStart = offset + 30;
    const name = new TextDecoder().decode(bytes.subarray(nameStart, nameStart + nameLength));
    const dataStart = nameStart + nameLength + extraLength;
    if (flags & 0x08 && compressed === 0) {
      // Sizes follow the data (a data descriptor): find the next header or the directory.
      const next = findSignature(bytes, dataStart);
      compressed = next - dataStart;
      const descriptor = view.getUint32(next - 16, true) === 0x08074b50 ? 16 : 12;
      compressed = Math.max(0, compressed - descriptor);
    }
    const raw = bytes.subarray(dataStart, Math.min(bytes.length, dataStart + compressed));
    let data: Uint8Array | undefined;
    if (method === 0) data = raw;
    else if (method === 8) {
      try {
        data = new Uint8Array(inflateRawSync(raw, { maxOutputLength: maxOutputBytes }));
      } catch {
        data = undefined;
      }
    }
    entries.push({ name, data, method });
    offset = dataStart + compressed;
    if (flags & 0x08) {
      offset += view.getUint32(offset, true) === 0x08074b50 ? 16 : 12;
    }
  }
  return entries;
}

function findSignature(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 4 <= bytes.length; i++) {
    if (
      bytes[i] === 0x50 && bytes[i + 1] === 0x4b &&
      ((bytes[i + 2] === 0x03 && bytes[i + 3] === 0x04) ||
        (bytes[i + 2] === 0x01 && bytes[i + 3] === 0x02))
    ) return i;
  }
  return bytes.length;
}
