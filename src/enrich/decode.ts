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
import { dedupe, textColumn } from "./_frame.ts";

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
 * import { decode, openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const result = await provider.query(
 *   "DeviceProcessEvents | where ProcessCommandLine has '-EncodedCommand' | take 1",
 * );
 * const commandLine = result.frame.getColumn("ProcessCommandLine").get(0) as string;
 * const { decoded, layers } = decode(commandLine);
 * console.log(layers.map((l) => l.kind), decoded);
 * ```
 */
export function decode(text: string, options: DecodeOptions = {}): DecodeResult {
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
 * @param column The text column to decode.
 * @param options As {@link decode}.
 * @returns The frame with the added columns (nulls stay null, status "null"); rows keep the
 *   input's order.
 * @throws {EnrichmentError} When the column is missing.
 *
 * @example Decode every command line of the demo case's SecurityEvent table
 * ```ts
 * import { decodeFrame, openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const events = (await provider.query("SecurityEvent | where EventID == 4688")).frame;
 * const decoded = decodeFrame(events, "CommandLine");
 * console.log(decoded.filter(pl.col("CommandLine_decode_status").eq(pl.lit("decoded")))
 *   .select("CommandLine_decoded", "CommandLine_layers").head(3));
 * ```
 */
export function decodeFrame(
  frame: DataFrame,
  column: string,
  options: DecodeOptions = {},
): DataFrame {
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
 * import { obfuscationIndicators } from "../../mod.ts";
 *
 * console.log(obfuscationIndicators("cmd /c p^o^w^e^r^s^h^e^l^l (n`EW-obJ`E`cT Net.WebClient)").indicators);
 * // ["caret-insertion", "tick-insertion"]
 * ```
 */
export function obfuscationIndicators(
  text: string,
  options: ObfuscationOptions = {},
): ObfuscationReport {
  return obfuscationReport(text, options);
}

/**
 * Adds `<column>_obfuscation` (comma-separated indicators, "" for none) and
 * `<column>_entropy` to a frame.
 *
 * @param frame The frame.
 * @param column The command-line column.
 * @param options Thresholds.
 * @returns The frame with the two columns; rows keep the input's order.
 * @throws {EnrichmentError} When the column is missing.
 *
 * @example Obfuscated command lines in the demo case
 * ```ts
 * import { obfuscationFrame, openLocalProvider, pl } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const processes = (await provider.table("DeviceProcessEvents")).frame;
 * const flagged = obfuscationFrame(processes, "ProcessCommandLine")
 *   .filter(pl.col("ProcessCommandLine_obfuscation").neq(pl.lit("")));
 * console.log(flagged.select("ProcessCommandLine_obfuscation").head(3));
 * ```
 */
export function obfuscationFrame(
  frame: DataFrame,
  column: string,
  options: ObfuscationOptions = {},
): DataFrame {
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
