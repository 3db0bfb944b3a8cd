/**
 * Decoding of obfuscated text: base64 (recursive, with gzip, zlib, raw deflate and zip
 * inside), PowerShell `-EncodedCommand` (UTF-16LE), hex, URL-encoding and char-code
 * obfuscation (`[char]72+[char]105`, `[char[]](72,105)`, `String.fromCharCode(72,105)`,
 * `Chr(72)&Chr(105)`). Each result says which layers were peeled, and carries the hashes
 * and file type (by magic bytes) of any binary payload. Also: simple obfuscation
 * indicators of a command line.
 *
 * @module
 */
import { type DataFrame, pl } from "../polars.ts";
import {
  type BinaryPayload,
  type DecodeLayer,
  type DecodeLayerKind,
  peel,
} from "./_decode_layers.ts";
import {
  entropy,
  type ObfuscationIndicator,
  type ObfuscationOptions,
  type ObfuscationReport,
  obfuscationReport,
} from "./_obfuscation.ts";
import { columnArguments, dedupe, textColumn } from "./_frame.ts";
import { checkOptions, defineOptions } from "../options.ts";

const DECODE_OPTIONS = defineOptions<DecodeOptions>("decode", {
  maxDepth: { kind: "number", aliases: ["depth", "maxLayers"] },
  maxLength: "number",
  maxOutputBytes: "number",
});
const DECODE_FRAME_OPTIONS = defineOptions<DecodeFrameOptions>("decodeFrame", {
  maxDepth: { kind: "number", aliases: ["depth", "maxLayers"] },
  maxLength: "number",
  maxOutputBytes: "number",
  column: { kind: "column", aliases: ["columns", "col"] },
});
const OBFUSCATION_OPTIONS = defineOptions<ObfuscationOptions>("obfuscationIndicators", {
  longToken: "number",
  highEntropy: "number",
});
const OBFUSCATION_FRAME_OPTIONS = defineOptions<ObfuscationFrameOptions>("obfuscationFrame", {
  longToken: "number",
  highEntropy: "number",
  column: { kind: "column", aliases: ["columns", "col"] },
});

export type {
  BinaryPayload,
  DecodeLayer,
  DecodeLayerKind,
  ObfuscationIndicator,
  ObfuscationOptions,
  ObfuscationReport,
};
export { entropy };

/** How one value's decoding went. */
export type DecodeStatus = "decoded" | "binary" | "unchanged" | "too-long";

/** The decoding of one value. */
export interface DecodeResult {
  /**
   * "decoded" when a layer was peeled; "binary" when what was decoded is bytes of no known
   * file type (garbage, or encrypted); "unchanged" when there was nothing to decode;
   * "too-long" when the value is over `maxLength`.
   */
  readonly status: DecodeStatus;
  /** The text with every encoded segment replaced by what it decodes to. */
  readonly decoded: string;
  /** The layers peeled, outermost first. */
  readonly layers: readonly DecodeLayer[];
  /** Binary payloads found inside, with hashes and file type. */
  readonly payloads: readonly BinaryPayload[];
  /** Why it was not decoded, when it was not. */
  readonly message?: string;
}

/** Limits of {@link decode}. */
export interface DecodeOptions {
  /** Passes over the text at most (default 10): the nesting depth peeled. */
  readonly maxDepth?: number;
  /** Values longer than this are not decoded (default 10,000,000 characters). */
  readonly maxLength?: number;
  /** No decompression may produce more than this (default 64 MiB; guards zip bombs). */
  readonly maxOutputBytes?: number;
}

/** Options of {@link decodeFrame}: the column, and the limits of {@link decode}. */
export interface DecodeFrameOptions extends DecodeOptions {
  /** The text column to decode. */
  readonly column: string;
}

/** Options of {@link obfuscationFrame}: the column, and the thresholds. */
export interface ObfuscationFrameOptions extends ObfuscationOptions {
  /** The command-line column. */
  readonly column: string;
}

/**
 * Decodes a value, peeling every layer it can.
 *
 * @param text A command line, script or encoded blob.
 * @param options Depth and size limits.
 * @returns The decoded text, the layers peeled and any binary payloads; never throws for
 *   bad input (binary garbage is reported as a payload, an over-long value as "too-long").
 *
 * @example Decode the demo case's encoded PowerShell
 * ```ts
 * import assert from "node:assert/strict";
 * import { decode } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const result = await provider.query(
 *   "DeviceProcessEvents | where ProcessCommandLine has '-EncodedCommand' | take 1",
 * );
 * const commandLine = result.frame.getColumn("ProcessCommandLine").get(0) as string;
 * const { status, decoded, layers } = decode(commandLine);
 * assert.equal(status, "decoded");
 * assert.equal(layers[0].kind, "powershell-encoded");
 * assert.ok(decoded.includes("Get-CimInstance")); // the script, in clear
 * ```
 */
export function decode(text: string, options: DecodeOptions = {}): DecodeResult {
  checkOptions("decode", options, DECODE_OPTIONS);
  const maxLength = options.maxLength ?? 10_000_000;
  if (text.length > maxLength) {
    return {
      status: "too-long",
      decoded: text,
      layers: [],
      payloads: [],
      message: `${text.length} characters is over the limit of ${maxLength}; raise maxLength`,
    };
  }
  const { decoded, layers, payloads } = peel(text, {
    maxDepth: options.maxDepth ?? 10,
    maxOutputBytes: options.maxOutputBytes ?? 64 * 1024 * 1024,
  });
  const binaryOnly = payloads.length > 0 && payloads.every((p) => p.fileType === "unknown") &&
    layers.every((l) => l.kind === "base64" || l.kind === "powershell-encoded" || l.kind === "hex");
  return {
    status: layers.length === 0 ? "unchanged" : binaryOnly ? "binary" : "decoded",
    decoded,
    layers,
    payloads,
    message: binaryOnly
      ? `decoded to ${payloads[0].size} bytes of no known file type (garbage, or encrypted)`
      : undefined,
  };
}

/**
 * Decodes a text column: adds `<column>_decoded`, `<column>_layers` (comma-separated,
 * outermost first), `<column>_payload_sha256`, `<column>_payload_type` and
 * `<column>_decode_status`. Each distinct value is decoded once.
 *
 * @param frame The frame.
 * @param options The text column to decode, and the limits of {@link decode}.
 * @returns The frame with the added columns (nulls stay null, status "null"); rows keep the
 *   input's order.
 * @throws {EnrichmentError} When the column is missing.
 *
 * @example Decode every command line of the demo case's SecurityEvent table
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeFrame } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const events = (await provider.query("SecurityEvent | where EventID == 4688")).frame;
 * const decoded = decodeFrame(events, { column: "CommandLine" });
 * assert.equal(decoded.height, events.height);
 * const peeled = decoded.filter(pl.col("CommandLine_decode_status").eq(pl.lit("decoded")));
 * assert.ok(peeled.height > 0);
 * assert.ok(peeled.getColumn("CommandLine_layers").toArray().includes("powershell-encoded"));
 * ```
 */
export function decodeFrame(frame: DataFrame, options: DecodeFrameOptions): DataFrame;
/**
 * Decodes a text column, named positionally.
 *
 * @deprecated Name the column in the options: `decodeFrame(frame, { column, ...options })`.
 * This form keeps recorded sessions replaying.
 */
export function decodeFrame(frame: DataFrame, column: string, options?: DecodeOptions): DataFrame;
export function decodeFrame(
  frame: DataFrame,
  columnOrOptions: string | DecodeFrameOptions,
  legacyOptions?: DecodeOptions,
): DataFrame {
  const args = columnArguments<DecodeOptions>(columnOrOptions, legacyOptions, "column");
  checkOptions("decodeFrame", args.options, DECODE_FRAME_OPTIONS);
  const column = args.column as string;
  const options = args.options;
  const texts = textColumn(frame, column, "decode");
  const { unique, index } = dedupe(texts);
  const results = unique.map((t) => decode(t, options));
  const pick = <T>(f: (r: DecodeResult) => T | null): Array<T | null> =>
    Array.from(index, (k) => (k < 0 ? null : f(results[k])));
  return frame.withColumns(
    pl.Series(`${column}_decoded`, pick((r) => r.decoded), pl.Utf8),
    pl.Series(`${column}_layers`, pick((r) => r.layers.map((l) => l.kind).join(",")), pl.Utf8),
    pl.Series(`${column}_payload_sha256`, pick((r) => r.payloads[0]?.sha256 ?? null), pl.Utf8),
    pl.Series(`${column}_payload_type`, pick((r) => r.payloads[0]?.fileType ?? null), pl.Utf8),
    pl.Series(
      `${column}_decode_status`,
      Array.from(index, (k) => (k < 0 ? "null" : results[k].status)),
      pl.Utf8,
    ),
  );
}

/**
 * The obfuscation indicators of a command line.
 *
 * @param text The command line.
 * @param options Thresholds for long tokens and high entropy.
 * @returns The indicators, the text's entropy and its longest token.
 *
 * @example Caret and backtick insertion
 * ```ts
 * import assert from "node:assert/strict";
 * import { obfuscationIndicators } from "./mod.ts";
 *
 * const report = obfuscationIndicators("cmd /c p^o^w^e^r^s^h^e^l^l (n`EW-obJ`E`cT Net.WebClient)");
 * assert.deepEqual(report.indicators, ["caret-insertion", "tick-insertion", "random-case"]);
 * ```
 */
export function obfuscationIndicators(
  text: string,
  options: ObfuscationOptions = {},
): ObfuscationReport {
  checkOptions("obfuscationIndicators", options, OBFUSCATION_OPTIONS);
  return obfuscationReport(text, options);
}

/**
 * Adds `<column>_obfuscation` (comma-separated indicators, "" for none) and
 * `<column>_entropy` to a frame.
 *
 * @param frame The frame.
 * @param options The command-line column, and the thresholds.
 * @returns The frame with the two columns; rows keep the input's order.
 * @throws {EnrichmentError} When the column is missing.
 *
 * @example Obfuscated command lines in the demo case
 * ```ts
 * import assert from "node:assert/strict";
 * import { obfuscationFrame } from "./mod.ts";
 * import { openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const processes = (await provider.table("DeviceProcessEvents")).frame;
 * const flagged = obfuscationFrame(processes, { column: "ProcessCommandLine" })
 *   .filter(pl.col("ProcessCommandLine_obfuscation").neq(pl.lit("")));
 * assert.ok(flagged.height > 0 && flagged.height < processes.height);
 * const commandLines = flagged.getColumn("ProcessCommandLine").toArray() as string[];
 * assert.ok(commandLines.some((c) => c.includes("-EncodedCommand")));
 * ```
 */
export function obfuscationFrame(frame: DataFrame, options: ObfuscationFrameOptions): DataFrame;
/**
 * Obfuscation indicators of a column, named positionally.
 *
 * @deprecated Name the column in the options: `obfuscationFrame(frame, { column, ...options })`.
 * This form keeps recorded sessions replaying.
 */
export function obfuscationFrame(
  frame: DataFrame,
  column: string,
  options?: ObfuscationOptions,
): DataFrame;
export function obfuscationFrame(
  frame: DataFrame,
  columnOrOptions: string | ObfuscationFrameOptions,
  legacyOptions?: ObfuscationOptions,
): DataFrame {
  const args = columnArguments<ObfuscationOptions>(columnOrOptions, legacyOptions, "column");
  checkOptions(
    "obfuscationFrame",
    args.options,
    OBFUSCATION_FRAME_OPTIONS,
  );
  const column = args.column as string;
  const options = args.options;
  const texts = textColumn(frame, column, "decode");
  const { unique, index } = dedupe(texts);
  const reports = unique.map((t) => obfuscationReport(t, options));
  return frame.withColumns(
    pl.Series(
      `${column}_obfuscation`,
      Array.from(index, (k) => (k < 0 ? null : reports[k].indicators.join(","))),
      pl.Utf8,
    ),
    pl.Series(
      `${column}_entropy`,
      Array.from(index, (k) => (k < 0 ? null : reports[k].entropy)),
      pl.Float64,
    ),
  );
}
