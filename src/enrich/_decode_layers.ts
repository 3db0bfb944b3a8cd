/**
 * The decoding passes: each pass finds encoded segments (PowerShell -EncodedCommand,
 * FromBase64String, bare base64, hex, URL-encoding, char codes), replaces them with what
 * they decode to, and records the layer; passes repeat until nothing changes.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { gunzipSync, inflateRawSync, inflateSync } from "node:zlib";
import { fileType, hashes } from "./_magic.ts";
import { readZip } from "./_zip.ts";

/** What one peeled layer was. */
export type DecodeLayerKind =
  | "powershell-encoded"
  | "base64"
  | "utf16le"
  | "gzip"
  | "zlib"
  | "deflate"
  | "zip"
  | "hex"
  | "url"
  | "char-code";

/** One peeled layer, in the order they were peeled. */
export interface DecodeLayer {
  /** What was peeled (base64, a PowerShell encoded command, gzip, ...). */
  readonly kind: DecodeLayerKind;
  /** Which pass peeled it (1 = the outermost). */
  readonly depth: number;
  /** More about it: a zip entry's name, the char-code syntax, a payload's type. */
  readonly detail?: string;
}

/** A binary (non-text) payload found inside the encoding. */
export interface BinaryPayload {
  /** Its size in bytes. */
  readonly size: number;
  /** The file type by magic bytes ("pe (MZ executable)", "elf", ... or "unknown"). */
  readonly fileType: string;
  /** Its MD5, in hex. */
  readonly md5: string;
  /** Its SHA-1, in hex. */
  readonly sha1: string;
  /** Its SHA-256, in hex. */
  readonly sha256: string;
  /** The layers that led to it, outermost first. */
  readonly path: readonly DecodeLayerKind[];
  /** The zip entry it came from, where it did. */
  readonly entry?: string;
}

/** Limits of one decode. */
export interface DecodeLimits {
  readonly maxDepth: number;
  readonly maxOutputBytes: number;
}

interface Context extends DecodeLimits {
  readonly layers: DecodeLayer[];
  readonly payloads: BinaryPayload[];
  depth: number;
}

const PS_FLAG = String
  .raw`-(?:e|ec|en(?:c(?:o(?:d(?:e(?:d(?:c(?:o(?:m(?:m(?:a(?:n(?:d)?)?)?)?)?)?)?)?)?)?)?)?)`;
const PS_ENCODED = new RegExp(
  String.raw`(?<=^|[\s"'])(${PS_FLAG})(\s+)(["']?)([A-Za-z0-9+/]{8,}={0,2})\3(?![A-Za-z0-9+/=])`,
  "gi",
);
const FROM_BASE64 = /(FromBase64String\s*\(\s*)(["'])([A-Za-z0-9+/\s]+={0,2})\2/gi;
const BARE_BASE64 = /(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/]{20,}={0,2}(?![A-Za-z0-9+/=_-])/g;
/**
 * A short bare token (8-19 characters) that may be base64: words, names and ids are that
 * long too, so it is decoded only when it is whole base64 (padded to a multiple of 4, mixed
 * case) and decodes to plain ASCII text that reads as words (see {@link shortText}).
 */
const SHORT_BASE64 = /(?<![A-Za-z0-9+/=_.\\:-])[A-Za-z0-9+/]{6,19}={0,2}(?![A-Za-z0-9+/=_.\\:-])/g;
const HEX_RUN = /(?<![0-9A-Za-z])(?:0x)?((?:[0-9a-fA-F]{2}){8,})(?![0-9A-Za-z])/g;
const HEX_ESCAPES = /(?:\\x[0-9a-fA-F]{2}){4,}/g;
const URL_RUN = /(?:%[0-9a-fA-F]{2})+/g;
const CHAR_ONE = String.raw`\[char\]\s*(?:\(\s*(?:0x[0-9a-f]+|\d+)\s*\)|(?:0x[0-9a-f]+|\d+))`;
const PS_CHARS = new RegExp(String.raw`(?:${CHAR_ONE}\s*\+\s*)+${CHAR_ONE}`, "gi");
const PS_CHAR_ARRAY =
  /\[char\[\]\]\s*\(\s*((?:(?:0x[0-9a-f]+|\d+)\s*,\s*)+(?:0x[0-9a-f]+|\d+))\s*\)(?:\s*-join\s*(["'])\2)?/gi;
const JS_CHARS =
  /String\.fromCharCode\s*\(\s*((?:(?:0x[0-9a-f]+|\d+)\s*,\s*)*(?:0x[0-9a-f]+|\d+))\s*\)/gi;
const VB_CHARS = /(?:chrw?\s*\(\s*\d+\s*\)\s*[&+]\s*)+chrw?\s*\(\s*\d+\s*\)/gi;

/** Decodes `text` layer by layer; returns the fully decoded text. */
export function peel(text: string, limits: DecodeLimits): {
  decoded: string;
  layers: DecodeLayer[];
  payloads: BinaryPayload[];
} {
  const ctx: Context = { ...limits, layers: [], payloads: [], depth: 0 };
  let current = text;
  while (ctx.depth < ctx.maxDepth) {
    ctx.depth++;
    const next = pass(current, ctx);
    if (next === current) break;
    current = next;
  }
  return { decoded: current, layers: ctx.layers, payloads: ctx.payloads };
}

function pass(text: string, ctx: Context): string {
  let out = text.replace(PS_ENCODED, (whole, flag, space, quote, b64) => {
    const bytes = base64Bytes(b64);
    if (!bytes) return whole;
    const decoded = utf16le(bytes);
    const mark = ctx.layers.length;
    ctx.layers.push({ kind: "powershell-encoded", depth: ctx.depth });
    if (decoded !== undefined && printable(decoded) && mostlyLatin(decoded)) {
      return `${flag}${space}${quote}${decoded}${quote}`;
    }
    // Not a UTF-16LE script: whatever it is (garbage, a payload) is reported as bytes.
    const inner = bytesToText(bytes, ctx, ["powershell-encoded"], text);
    return inner === undefined ? undo(ctx, mark, whole) : `${flag}${space}${quote}${inner}${quote}`;
  });
  out = out.replace(FROM_BASE64, (whole, call, quote, b64) => {
    const bytes = base64Bytes(b64.replace(/\s+/g, ""));
    if (!bytes) return whole;
    const mark = ctx.layers.length;
    ctx.layers.push({ kind: "base64", depth: ctx.depth, detail: "FromBase64String" });
    const inner = bytesToText(bytes, ctx, ["base64"], text);
    if (inner === undefined) return undo(ctx, mark, whole);
    return `${call}${quote}${inner}${quote}`;
  });
  out = out.replace(BARE_BASE64, (b64) => {
    if (b64.replace(/=+$/, "").length % 4 === 1) return b64;
    // All-hex tokens are hashes or hex runs, handled by the hex pass.
    if (/^[0-9a-f]+$/i.test(b64)) return b64;
    const bytes = base64Bytes(b64);
    if (!bytes) return b64;
    const mark = ctx.layers.length;
    ctx.layers.push({ kind: "base64", depth: ctx.depth });
    const inner = bytesToText(bytes, ctx, ["base64"], text, true);
    return inner === undefined ? undo(ctx, mark, b64) : inner;
  });
  out = out.replace(SHORT_BASE64, (b64) => {
    const bytes = b64.length % 4 === 0 && b64.length >= 8 && /[a-z]/.test(b64) &&
        /[A-Z]/.test(b64)
      ? base64Bytes(b64)
      : undefined;
    const text = bytes && shortText(bytes);
    if (text === undefined) return b64;
    ctx.layers.push({ kind: "base64", depth: ctx.depth });
    return text;
  });
  out = out.replace(HEX_RUN, (whole, hex) => {
    const bytes = Uint8Array.from(Buffer.from(hex, "hex"));
    const mark = ctx.layers.length;
    ctx.layers.push({ kind: "hex", depth: ctx.depth });
    const inner = bytesToText(bytes, ctx, ["hex"], text, true);
    return inner === undefined ? undo(ctx, mark, whole) : inner;
  });
  out = out.replace(HEX_ESCAPES, (whole) => {
    const bytes = Uint8Array.from(Buffer.from(whole.replace(/\\x/gi, ""), "hex"));
    const mark = ctx.layers.length;
    ctx.layers.push({ kind: "hex", depth: ctx.depth, detail: "\\x escapes" });
    const inner = bytesToText(bytes, ctx, ["hex"], text, true);
    return inner === undefined ? undo(ctx, mark, whole) : inner;
  });
  if ((out.match(/%[0-9a-fA-F]{2}/g)?.length ?? 0) >= 2) {
    out = out.replace(URL_RUN, (run) => {
      const decoded = utf8(Uint8Array.from(Buffer.from(run.replace(/%/g, ""), "hex")));
      if (decoded === undefined || !printable(decoded)) return run;
      ctx.layers.push({ kind: "url", depth: ctx.depth });
      return decoded;
    });
  }
  out = out.replace(PS_CHARS, (whole) => {
    const codes = [...whole.matchAll(/\[char\]\s*\(?\s*(0x[0-9a-f]+|\d+)/gi)].map((m) =>
      Number(m[1])
    );
    return charCodes(codes, whole, ctx, "[char]n+[char]n");
  });
  out = out.replace(PS_CHAR_ARRAY, (whole, list) => {
    return charCodes(
      list.split(",").map((s: string) => Number(s.trim())),
      whole,
      ctx,
      "[char[]](...)",
    );
  });
  out = out.replace(JS_CHARS, (whole, list) => {
    return charCodes(
      list.split(",").map((s: string) => Number(s.trim())),
      whole,
      ctx,
      "String.fromCharCode",
    );
  });
  out = out.replace(VB_CHARS, (whole) => {
    const codes = [...whole.matchAll(/\(\s*(\d+)\s*\)/g)].map((m) => Number(m[1]));
    return charCodes(codes, whole, ctx, "Chr(n)&Chr(n)");
  });
  return out;
}

/** Drops the layers recorded since `mark` (a reading that did not pan out). */
function undo(ctx: Context, mark: number, whole: string): string {
  ctx.layers.length = mark;
  return whole;
}

function charCodes(codes: number[], whole: string, ctx: Context, syntax: string): string {
  if (codes.some((c) => !Number.isInteger(c) || c < 0 || c > 0x10ffff)) return whole;
  const text = String.fromCodePoint(...codes);
  if (!printable(text)) return whole;
  ctx.layers.push({ kind: "char-code", depth: ctx.depth, detail: syntax });
  return `'${text}'`;
}

/**
 * What a short base64 token's bytes say, when they read as words: printable ASCII only, at
 * least four characters, mostly letters, digits and spaces, and at least one vowel-bearing
 * run of three letters. Random bytes (what a word or an id decodes to) almost never pass.
 */
function shortText(bytes: Uint8Array): string | undefined {
  if (bytes.length < 4 || bytes.some((b) => b < 0x20 || b > 0x7e)) return undefined;
  const text = String.fromCharCode(...bytes);
  const wordy = text.replace(/[^A-Za-z0-9 ]/g, "").length;
  if (wordy < text.length * 0.75 || !/[aeiouy]/i.test(text)) return undefined;
  if (!/[A-Za-z]{3,}/.test(text)) return undefined;
  return text;
}

function base64Bytes(b64: string): Uint8Array | undefined {
  const bare = b64.replace(/=+$/, "");
  if (bare.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(bare)) return undefined;
  const bytes = Buffer.from(bare, "base64");
  return bytes.length === 0 ? undefined : Uint8Array.from(bytes);
}

/**
 * What `bytes` decode to as text, peeling compression and archives; binary payloads are
 * recorded and stand in the text as a bracketed summary. Undefined when the bytes are
 * neither text nor a recognised payload (and `strict`: a bare token that may be a word).
 */
function bytesToText(
  bytes: Uint8Array,
  ctx: Context,
  path: DecodeLayerKind[],
  context: string,
  strict = false,
): string | undefined {
  const type = fileType(bytes);
  const limit = { maxOutputLength: ctx.maxOutputBytes };
  try {
    if (type === "gzip") {
      ctx.layers.push({ kind: "gzip", depth: ctx.depth });
      return bytesToText(new Uint8Array(gunzipSync(bytes, limit)), ctx, [...path, "gzip"], context);
    }
    if (type === "zlib") {
      const inflated = new Uint8Array(inflateSync(bytes, limit));
      ctx.layers.push({ kind: "zlib", depth: ctx.depth });
      return bytesToText(inflated, ctx, [...path, "zlib"], context);
    }
  } catch {
    // Not really compressed after all: fall through to the other readings.
  }
  if (type === "zip") {
    const entries = readZip(bytes, ctx.maxOutputBytes);
    if (entries.length > 0) {
      const parts = entries.map((entry) => {
        ctx.layers.push({ kind: "zip", depth: ctx.depth, detail: entry.name });
        if (!entry.data) return `[zip entry ${entry.name}: method ${entry.method} not supported]`;
        const inner = bytesToText(entry.data, ctx, [...path, "zip"], context, false);
        return `[zip entry ${entry.name}]\n${inner ?? ""}`;
      });
      return parts.join("\n");
    }
  }
  if (type === "unknown") {
    const text = asText(bytes);
    if (text !== undefined) {
      if (text.utf16) ctx.layers.push({ kind: "utf16le", depth: ctx.depth });
      return text.text;
    }
    // PowerShell droppers often hand raw deflate to IO.Compression.DeflateStream.
    if (/DeflateStream/i.test(context) || !strict) {
      try {
        const inflated = new Uint8Array(
          inflateRawSync(bytes, { maxOutputLength: ctx.maxOutputBytes }),
        );
        const text = asText(inflated);
        if (text !== undefined) {
          ctx.layers.push({ kind: "deflate", depth: ctx.depth });
          if (text.utf16) ctx.layers.push({ kind: "utf16le", depth: ctx.depth });
          return text.text;
        }
      } catch {
        // Not deflate.
      }
    }
    if (strict) return undefined;
  }
  const h = hashes(bytes);
  ctx.payloads.push({ size: bytes.length, fileType: type, ...h, path });
  return `[binary ${type}, ${bytes.length} bytes, sha256 ${h.sha256}]`;
}

function asText(bytes: Uint8Array): { text: string; utf16: boolean } | undefined {
  if (bytes.length >= 4 && bytes.length % 2 === 0) {
    let zeros = 0;
    for (let i = 1; i < bytes.length; i += 2) if (bytes[i] === 0) zeros++;
    if (zeros >= (bytes.length / 2) * 0.9) {
      const text = utf16le(bytes);
      if (text !== undefined && printable(text)) return { text, utf16: true };
    }
  }
  const text = utf8(bytes);
  if (text !== undefined && printable(text)) return { text, utf16: false };
  return undefined;
}

function utf16le(bytes: Uint8Array): string | undefined {
  if (bytes.length % 2 !== 0) return undefined;
  return new TextDecoder("utf-16le").decode(bytes).replace(/^\uFEFF/, "");
}

function utf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, "");
  } catch {
    return undefined;
  }
}

/** Scripts are mostly Latin-1: random bytes read as UTF-16LE are mostly CJK. */
function mostlyLatin(text: string): boolean {
  let latin = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x250) latin++;
  return latin >= text.length * 0.8;
}

/** Whether `text` reads as text: almost no control characters, no replacement chars. */
export function printable(text: string): boolean {
  if (text.length === 0) return false;
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 0x7f || c === 0xfffd) bad++;
  }
  return bad === 0 || (text.length > 64 && bad / text.length < 0.02);
}
