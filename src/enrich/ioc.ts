/**
 * Indicator-of-compromise extraction: IPv4 and IPv6 addresses, domains (validated against
 * the public-suffix list), URLs, e-mail addresses, MD5/SHA1/SHA256 hashes, Windows and
 * Linux paths and registry keys, from one text or from DataFrame columns. Defanged forms
 * (`hxxp`, `[.]`, `[at]`) are found and refanged; overlaps go to the more specific type (a
 * URL's host is not reported again as a domain unless `urlParts` is set); custom types are
 * added with a regex and a priority.
 *
 * A dotted quad is an IPv4 address unless it is glued to more of a word or number
 * (`v1.2.3.4`, `1.2.3.4.5`, `setup.1.2.3.4.exe`); an isolated file version that is also a
 * valid quad ("version 1.2.3.4") cannot be told apart and is reported. Octets with leading
 * zeros (`01.02.03.04`) are not addresses.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import { compileExtractor } from "./_ioc_scan.ts";
import type { CustomIocType, ExtractIocsOptions, IocMatch } from "./_ioc_scan.ts";
import { iocFrame } from "./_ioc_frame.ts";
import { columnArguments } from "./_frame.ts";
import { BUILTIN_IOC_TYPES, type BuiltinIocType } from "./_ioc_patterns.ts";
import { checkOptions, defineOptions } from "../options.ts";

const IOC_OPTIONS = defineOptions<ExtractIocsOptions>("extractIocs", {
  types: { kind: "strings", aliases: ["type", "kinds"] },
  custom: "array",
  urlParts: "boolean",
  extraSuffixes: "object",
  fileExtensionTlds: "object",
  notDomains: "object",
});
const IOC_FRAME_OPTIONS = defineOptions<ExtractIocsFrameOptions>("extractIocsFrame", {
  ...IOC_OPTIONS,
  columns: { kind: "columns", aliases: ["column", "col"] },
  dedupe: "boolean",
});

export type { BuiltinIocType, CustomIocType, ExtractIocsOptions, IocMatch };
export { BUILTIN_IOC_TYPES };
export { refang } from "./_refang.ts";

/** Options of {@link extractIocsFrame}. */
export interface ExtractIocsFrameOptions extends ExtractIocsOptions {
  /** The text column to scan, or several (scanned in the order given). */
  readonly columns: string | readonly string[];
  /** Scan each distinct value once and join back (default true; identical rows are common). */
  readonly dedupe?: boolean;
}

/**
 * The indicators in one text, in order of position.
 *
 * @param text The text to scan (a command line, a URL, an e-mail body...).
 * @param options Types to keep, custom types, URL hosts.
 * @returns One match per indicator: type, refanged value, start and end offsets.
 * @throws {EnrichmentError} When a custom type or a requested type is invalid.
 *
 * @example Indicators in a defanged note
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractIocs } from "./mod.ts";
 *
 * const found = extractIocs("beacon to hxxps://cdn.edgeupdate-sync[.]example/a/u.ps1 from 10.20.4.42");
 * assert.deepEqual(found.map((m) => `${m.type}: ${m.value}`), [
 *   "url: https://cdn.edgeupdate-sync.example/a/u.ps1",
 *   "ipv4: 10.20.4.42",
 * ]);
 * ```
 */
export function extractIocs(text: string, options: ExtractIocsOptions = {}): IocMatch[] {
  checkOptions("extractIocs", options, IOC_OPTIONS);
  return compileExtractor(options).extract(text);
}

/**
 * The indicators in DataFrame columns as a long frame: one row per indicator with the
 * source `row` (0-based), `column`, `type`, `value`, `start` and `end`.
 *
 * Rows follow the input: ordered by `column` (in the order given), then `row`, then the
 * indicator's place in the text (`start`; with `urlParts`, a URL before its host). With or
 * without `dedupe`, the result is the same.
 *
 * @param frame The frame to scan.
 * @param options The column or columns to scan; as {@link extractIocs}, plus `dedupe`.
 * @returns The long frame (empty, with those columns, when nothing is found).
 * @throws {EnrichmentError} When a column is missing.
 *
 * @example Indicators in the demo case's process command lines
 * ```ts
 * import assert from "node:assert/strict";
 * import { extractIocsFrame } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const processes = (await provider.table("DeviceProcessEvents")).frame;
 * const iocs = extractIocsFrame(processes, { columns: "ProcessCommandLine", types: ["url", "ipv4"] });
 * assert.deepEqual(iocs.columns, ["row", "column", "type", "value", "start", "end"]);
 * const urls = iocs.getColumn("value").toArray() as string[];
 * assert.ok(urls.includes("https://download.sysinternals.com/files/SysinternalsSuite.zip"));
 * ```
 */
export function extractIocsFrame(frame: DataFrame, options: ExtractIocsFrameOptions): DataFrame;
/**
 * The indicators in DataFrame columns named positionally.
 *
 * @deprecated Name the columns in the options: `extractIocsFrame(frame, { columns, ...options })`.
 * This form keeps recorded sessions replaying.
 */
export function extractIocsFrame(
  frame: DataFrame,
  columns: string | readonly string[],
  options?: Omit<ExtractIocsFrameOptions, "columns">,
): DataFrame;
export function extractIocsFrame(
  frame: DataFrame,
  columnsOrOptions: string | readonly string[] | ExtractIocsFrameOptions,
  legacyOptions?: Omit<ExtractIocsFrameOptions, "columns">,
): DataFrame {
  const args = columnArguments(columnsOrOptions, legacyOptions, "columns");
  checkOptions("extractIocsFrame", args.options, IOC_FRAME_OPTIONS);
  return iocFrame(frame, args.column as string | readonly string[], args.options);
}
