/**
 * Export bundles: a session's journal and the cached results its kept steps reference, in
 * one file to hand to a colleague, who opens it offline as a session of their own. Every
 * result is checked against its SHA-256 on import.
 *
 * The file is gzip-compressed JSON lines: a header (format, session, the journal's
 * SHA-256, the results listed), the journal's text, then one line per result (its
 * SHA-256 and its Parquet bytes in base64) and one per chart a kept step drew (its path in
 * the session's folder, SHA-256 and text).
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { join, resolve as resolvePath } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { pl } from "../polars.ts";
import { ResultCache, sha256Hex } from "./result_cache.ts";
import { openSession, type Session, type SessionOptions } from "./session.ts";
import { defaultHome } from "./home.ts";
import { BundleError, SessionError } from "./errors.ts";
import { exists, privateDir, writeFileAtomic } from "./_files.ts";
import { type ExportOptions, keptSteps } from "./_export_common.ts";
import { checkOptions, defineOptions } from "../options.ts";

const BUNDLE_OPTIONS = defineOptions<ExportBundleOptions>("exportBundle", {
  path: { kind: "string", aliases: ["file", "output"] },
});
const IMPORT_BUNDLE_OPTIONS = defineOptions<ImportBundleOptions>("importBundle", {
  home: "string",
  name: "string",
  session: "object",
});

/** The bundle format this version writes and reads. */
export const BUNDLE_FORMAT = 1;

interface BundleHeader {
  readonly type: "casefile-bundle";
  readonly format: number;
  readonly session: string;
  readonly created: string;
  readonly journalSha256: string;
  readonly results: readonly string[];
}

/** Options of {@link exportBundle}. */
export interface ExportBundleOptions extends ExportOptions {
  /** Also write the bundle here (private to the user; by convention `<name>.casefile.gz`). */
  readonly path?: string;
}

/** What {@link exportBundle} made. */
export interface BundleSummary {
  /** Where the bundle was written (absolute), when a path was given. */
  readonly path?: string;
  /** The bundled session's name. */
  readonly session: string;
  /** The results included (SHA-256), one per distinct result of the kept steps. */
  readonly results: readonly string[];
  /** Kept steps whose result was not in the cache (they open unrestored). */
  readonly missing: readonly { position: number; name: string; sha256: string }[];
  /** The bundle's size in bytes. */
  readonly bytes: number;
  /** The bundle itself (gzip-compressed JSON lines), to send or store elsewhere. */
  readonly data: Uint8Array;
}

/** Options of {@link importBundle}. */
export interface ImportBundleOptions {
  /** The casefile home to import into (default `$CASEFILE_HOME` or `./.casefile`). */
  readonly home?: string;
  /** The name to give the session (default: the bundled session's). */
  readonly name?: string;
  /** Passed on to {@link openSession} (a provider, to run more steps). */
  readonly session?: Omit<SessionOptions, "home" | "cache">;
}

/** One bundled result as checked on import. */
export interface ImportedResult {
  /** The result's SHA-256. */
  readonly sha256: string;
  /**
   * `mismatch`: its bytes do not have that hash (tampered or damaged); `missing`: listed
   * in the header but not in the file; `unreadable`: not Parquet. Only `ok` ones are imported.
   */
  readonly status: "ok" | "mismatch" | "missing" | "unreadable";
}

/** What {@link importBundle} returns: the open session and each result's check. */
export interface ImportedBundle {
  /** The imported session, open. */
  readonly session: Session;
  /** Each bundled result's check. */
  readonly results: readonly ImportedResult[];
  /** True when every result matched its SHA-256. */
  readonly ok: boolean;
}

/**
 * Bundles the session's journal and every cached result its kept steps (not dead ends,
 * not failed) reference into one file's bytes, written to `options.path` when given
 * (private to the user).
 *
 * @param session The session (open).
 * @param options A file to write the bundle to (by convention `<name>.casefile.gz`). The
 *   path given as a string (`exportBundle(session, path)`) is the older form, still read.
 * @returns The bundle's bytes, what they hold, and kept steps whose result was missing
 *   from the cache.
 * @throws {SessionError} when the session has no cache.
 *
 * @example Bundle a session and open it elsewhere, offline
 * ```ts
 * import assert from "node:assert/strict";
 * import { exportBundle, importBundle } from "./bundle.ts";
 * import { openSession } from "./session.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("handover", {
 *   home: `${home}/mine`,
 *   provider: await openLocalProvider(),
 * });
 * await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
 * const path = `${home}/handover.casefile.gz`;
 * const bundle = await exportBundle(session, { path });
 * await session.close();
 * assert.deepEqual(bundle.missing, []);
 *
 * const { session: copy, ok } = await importBundle(path, { home: `${home}/theirs` });
 * assert.equal(ok, true);
 * assert.equal((copy.value("alerts") as { height: number }).height > 0, true);
 * await copy.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function exportBundle(
  session: Session,
  options: ExportBundleOptions | string = {},
): Promise<BundleSummary> {
  if (typeof options !== "string") checkOptions("exportBundle", options, BUNDLE_OPTIONS);
  const { path } = typeof options === "string" ? { path: options } : options;
  const cache = session.cache;
  if (!cache) {
    throw new SessionError(`Session ${session.name} keeps no result cache to bundle.`, {
      hint: "Open it without cache: false.",
    });
  }
  const journal = await Deno.readTextFile(join(session.dir, "journal.jsonl"));
  const results: string[] = [];
  const lines: string[] = [];
  const missing: { position: number; name: string; sha256: string }[] = [];
  for (const { record } of keptSteps(session)) {
    const result = record.result;
    if (result?.kind !== "frame" && result?.kind !== "series") continue;
    if (results.includes(result.sha256)) continue;
    let bytes: Uint8Array;
    try {
      bytes = await Deno.readFile(cache.resultPath(result.sha256));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      missing.push({ position: record.position, name: record.name, sha256: result.sha256 });
      continue;
    }
    if (sha256Hex(bytes) !== result.sha256) {
      missing.push({ position: record.position, name: record.name, sha256: result.sha256 });
      continue;
    }
    results.push(result.sha256);
    lines.push(JSON.stringify({
      type: "result",
      sha256: result.sha256,
      bytes: bytes.length,
      data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString("base64"),
    }));
  }
  for (const { record } of keptSteps(session)) {
    if (!record.chart) continue;
    const text = await Deno.readTextFile(join(session.dir, record.chart.file)).catch(() =>
      undefined
    );
    if (text === undefined) continue;
    lines.push(
      JSON.stringify({ type: "file", path: record.chart.file, sha256: sha256Hex(text), text }),
    );
  }
  const header: BundleHeader = {
    type: "casefile-bundle",
    format: BUNDLE_FORMAT,
    session: session.name,
    created: new Date().toISOString(),
    journalSha256: sha256Hex(journal),
    results,
  };
  const text = [
    JSON.stringify(header),
    JSON.stringify({ type: "journal", text: journal }),
    ...lines,
  ].join("\n") + "\n";
  const gz = new Uint8Array(gzipSync(text));
  if (path !== undefined) await writeFileAtomic(resolvePath(path), gz);
  return {
    path: path === undefined ? undefined : resolvePath(path),
    session: session.name,
    results,
    missing,
    bytes: gz.length,
    data: gz,
  };
}

function readBundle(path: string, bytes: Uint8Array): { header: BundleHeader; lines: string[] } {
  let text: string;
  try {
    text = new TextDecoder().decode(gunzipSync(bytes));
  } catch (error) {
    throw new BundleError(path, `${path} is not a casefile bundle (not gzip data).`, {
      hint: "Export one with exportBundle(); a file cut off in transfer must be sent again.",
      cause: error,
    });
  }
  const lines = text.split("\n").filter((l) => l !== "");
  let header: BundleHeader | undefined;
  try {
    header = JSON.parse(lines[0] ?? "");
  } catch {
    // Reported below.
  }
  if (header?.type !== "casefile-bundle") {
    throw new BundleError(path, `${path} is not a casefile bundle (no bundle header).`, {
      hint: "Export one with exportBundle().",
    });
  }
  if (header.format !== BUNDLE_FORMAT) {
    throw new BundleError(
      path,
      `${path} is a bundle of format ${header.format}; this casefile reads format ${BUNDLE_FORMAT}.`,
      { hint: "Open it with the casefile version that wrote it." },
    );
  }
  return { header, lines: lines.slice(1) };
}

function journalChanged(path: string): BundleError {
  return new BundleError(
    path,
    `The journal in ${path} does not match its SHA-256: it was changed.`,
    {
      hint: "Ask for the bundle again; a changed journal is not evidence.",
    },
  );
}

/**
 * Opens a bundle written by {@link exportBundle} as a session under `home`, offline: the
 * journal becomes the session's journal and each result goes into the home's cache after
 * its SHA-256 is checked. A result that does not match is reported (`mismatch`) and not
 * imported, so its steps open unrestored; a journal that does not match the bundle's
 * record of it stops the import.
 *
 * @param path The bundle file.
 * @param options The home, a name for the session, and options for opening it.
 * @returns The open session and each result's check.
 * @throws {BundleError} for a file that is not a bundle, of another format, or whose
 *   journal was changed.
 * @throws {SessionError} when a session of that name already exists under the home.
 */
export async function importBundle(
  path: string,
  options: ImportBundleOptions = {},
): Promise<ImportedBundle> {
  checkOptions("importBundle", options, IMPORT_BUNDLE_OPTIONS);
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new BundleError(path, `Cannot read ${path}: ${(error as Error).message}.`, {
      hint: "Check the path.",
      cause: error,
    });
  }
  const { header, lines } = readBundle(path, bytes);
  let journal: string | undefined;
  const results: ImportedResult[] = [];
  const files: { path: string; text: string }[] = [];
  const home = options.home ? resolvePath(options.home) : defaultHome();
  const name = options.name ?? header.session;
  const dir = join(home, "sessions", name);
  if (await exists(join(dir, "journal.jsonl"))) {
    throw new SessionError(`A session named ${name} already exists in ${home}.`, {
      hint: "Import it under another name: importBundle(path, { name: '...' }).",
    });
  }
  const cache = await ResultCache.open(join(home, "cache"));
  for (const line of lines) {
    let entry: { type?: string; text?: string; sha256?: string; data?: string };
    try {
      entry = JSON.parse(line);
    } catch {
      throw new BundleError(path, `${path} has a damaged line.`, {
        hint: "The file was changed or cut off; ask for it again.",
      });
    }
    if (entry.type === "journal" && typeof entry.text === "string") {
      journal = entry.text;
      if (sha256Hex(journal) !== header.journalSha256) throw journalChanged(path);
    } else if (entry.type === "file" && typeof entry.text === "string") {
      const path = (entry as { path?: unknown }).path;
      // Only charts, inside the session's folder; a changed one is left out.
      if (
        typeof path === "string" && /^charts\/[\w.-]+\.svg$/.test(path) &&
        sha256Hex(entry.text) === entry.sha256
      ) {
        files.push({ path, text: entry.text });
      }
    } else if (entry.type === "result" && typeof entry.sha256 === "string") {
      const data = new Uint8Array(Buffer.from(entry.data ?? "", "base64"));
      if (sha256Hex(data) !== entry.sha256) {
        results.push({ sha256: entry.sha256, status: "mismatch" });
        continue;
      }
      try {
        const frame = pl.readParquet(Buffer.from(data.buffer, data.byteOffset, data.length));
        await cache.putResult(frame, { parquet: data, sha256: entry.sha256 });
        results.push({ sha256: entry.sha256, status: "ok" });
      } catch {
        results.push({ sha256: entry.sha256, status: "unreadable" });
      }
    }
  }
  if (journal === undefined) {
    throw new BundleError(path, `${path} holds no journal.`, {
      hint: "Ask for the bundle again.",
    });
  }
  for (const sha of header.results) {
    if (!results.some((r) => r.sha256 === sha)) results.push({ sha256: sha, status: "missing" });
  }
  await privateDir(dir);
  for (const file of files) await writeFileAtomic(join(dir, file.path), file.text);
  await writeFileAtomic(join(dir, "journal.jsonl"), journal);
  const session = await openSession(name, { ...options.session, home, cache });
  return { session, results, ok: results.every((r) => r.status === "ok") };
}
