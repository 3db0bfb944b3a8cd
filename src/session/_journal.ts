/**
 * The session journal: one JSON record per line, appended and synced to disk the moment a
 * step completes. Each line carries a checksum of its record, so a line cut off by a crash
 * or damaged later is recognised and skipped; the lines before and after it still count.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ColumnSchema } from "../schema/mod.ts";
import type { QueryWarning, RenderSpec } from "../providers/mod.ts";
import type { ProviderSource } from "./_provider_source.ts";
import type { ParamKind } from "./params.ts";
import { SessionError, SessionWriteError } from "./errors.ts";
import { writeAll } from "./_files.ts";

/** The journal format this version writes. */
export const JOURNAL_FORMAT = 1;

/** What a step's code is. */
export type StepKind = "query" | "code" | "value";

/** How a step is marked. */
export type StepMark = "dead-end" | "finding" | "none";

/** A piece of a recorded query template: text as it is, or a parameter. */
export type TemplatePart =
  | { readonly text: string }
  | { readonly param: string }
  // A value computed by a TypeScript expression: its literal when it ran (`text`) and the
  // expression (`expr`), which exports compute again.
  | { readonly text: string; readonly expr: string };

/** A step's result as recorded. */
export type ResultSummary =
  | {
    /** A DataFrame (or a Series, kept as a one-column frame). */
    readonly kind: "frame" | "series";
    readonly rows: number;
    readonly columns: readonly ColumnSchema[];
    /** SHA-256 of the result's Parquet serialisation (byte-deterministic). */
    readonly sha256: string;
    readonly bytes: number;
  }
  | {
    readonly kind: "json";
    readonly value: unknown;
    /** SHA-256 of the value as JSON with sorted keys (absent in journals before it). */
    readonly sha256?: string;
  }
  | {
    /** Anything else: a process tree, a decode result holding bytes, a chart, a function. */
    readonly kind: "other";
    /** Its type's name (`ProcessTree`, `Map`, `function`). */
    readonly type: string;
    /** The value as a person reads it (a tree's text, the inspected value). */
    readonly text: string;
    /** SHA-256 of its content, when it has content to compare (see `digestValue`). */
    readonly sha256?: string;
  };

/** A chart a step drew, kept as an SVG file in the session's folder. */
export interface StepChart {
  /** The file, relative to the session's folder (`charts/7-fails.svg`). */
  readonly file: string;
  /** The kind of chart (`timechart`, `bar`, ...). */
  readonly kind: string;
  /** The chart's title. */
  readonly title: string;
}

/** What a replayed step was expected to give, and whether it did. */
export interface StepCheck {
  /** The step's position in the session that was replayed. */
  readonly position: number;
  /** The kind and SHA-256 recorded there. */
  readonly expected: { readonly kind: string; readonly sha256?: string; readonly rows?: number };
  /**
   * `equal`; `differs`; `volatile` (differs, but the step cannot be reproduced); `failed`
   * (the step threw).
   */
  readonly outcome: "equal" | "differs" | "volatile" | "failed";
}

/** The first record: what the journal is. */
export interface SessionRecord {
  /** Always `session`. */
  readonly type: "session";
  /** The journal format ({@link JOURNAL_FORMAT} when written by this version). */
  readonly format: number;
  /** The session's name. */
  readonly name: string;
  /** When the session was created (ISO time). */
  readonly created: string;
}

/** Parameter definitions and values, as of this point. */
export interface ParamsRecord {
  /** Always `params`. */
  readonly type: "params";
  /** Each parameter's kind, default (as JSON) and description. */
  readonly definitions: Readonly<
    Record<string, { kind: ParamKind; default?: unknown; description?: string }>
  >;
  /** Each parameter's value, as JSON. */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A completed step (or a failed one). */
export interface StepRecord {
  /** Always `step`. */
  readonly type: "step";
  /** 1-based position in the session; a re-run writes a new revision at the same position. */
  readonly position: number;
  /** 1 for the first run; each re-run of the position adds one. */
  readonly revision: number;
  /** The variable the result is bound to. */
  readonly name: string;
  /** A query, code, or a value recorded from outside. */
  readonly kind: StepKind;
  /** The query text as run, or the code's source. */
  readonly code: string;
  /** For code: `function` when `code` is a function's source (`session.run(name, fn)`). */
  readonly form?: "function";
  /** For queries: the template, so the step can run with other parameter values. */
  readonly template?: readonly TemplatePart[];
  /** Values of the parameters the step used. */
  readonly params: Readonly<Record<string, unknown>>;
  /** For queries: the provider's identity. */
  readonly provider?: string;
  /** For queries: the provider's own query options (`split`, `additionalWorkspaces`, ...). */
  readonly providerOptions?: Readonly<Record<string, unknown>>;
  /** For queries: how to open the provider again (for exports; never a secret). */
  readonly connection?: ProviderSource;
  /** For queries: the instant `now()` and `ago()` meant, fixed at the first run. */
  readonly now?: string;
  /** For queries: the time window asked for. */
  readonly timespan?: { readonly start: string; readonly end: string };
  /** For queries: the time range parameter the window came from. */
  readonly timespanParam?: string;
  /** Whether the step ran well. */
  readonly status: "ok" | "error";
  /** What it gave, when it ran well. */
  readonly result?: ResultSummary;
  /** Why it failed: the error's name, message and hint. */
  readonly error?: { readonly name: string; readonly message: string; readonly hint?: string };
  /** For queries: what the provider warned of. */
  readonly warnings?: readonly QueryWarning[];
  /** For queries: the chart `render` asked for. */
  readonly render?: RenderSpec;
  /**
   * For code: every name the step bound (declared or assigned), when that is more than its
   * own name; the others' values are summarised in `bound`.
   */
  readonly binds?: readonly string[];
  /** For code: the values of the names it bound besides its own. */
  readonly bound?: Readonly<Record<string, ResultSummary>>;
  /**
   * For code: the variables of earlier steps it read, each with the position of the step
   * whose value it was (`_` is the step before's value).
   */
  readonly uses?: Readonly<Record<string, number>>;
  /**
   * For a function: the script that ran it (`Deno.mainModule`), where an export looks for
   * the names it reads that neither the session nor casefile provides (the script's own
   * imports and constants).
   */
  readonly origin?: string;
  /** For code: the modules it imported, and the URL each specifier resolved to. */
  readonly imports?: readonly { readonly specifier: string; readonly url: string }[];
  /** What the step printed (console output), cut at 64 KiB. */
  readonly output?: string;
  /** A chart the step made, drawn for reports and notebooks. */
  readonly chart?: StepChart;
  /**
   * Why the step's result may differ when it runs again (`rand()`, a live service); a
   * replay then reports a difference as expected, not as a failure.
   */
  readonly volatile?: string;
  /** For a replayed step: what the original gave, and whether this run gave the same. */
  readonly check?: StepCheck;
  /** Whether the result came from the cache. */
  readonly cache?: "hit" | "miss" | "off";
  /** On a cache hit: when the cached result was fetched (ISO time), so its age can be told. */
  readonly cachedAt?: string;
  /** When the step started (ISO time). */
  readonly startedAt: string;
  /** How long it took, in milliseconds. */
  readonly durationMs: number;
}

/** A step marked as a dead end or a finding, with a note (`none` clears the mark). */
export interface MarkRecord {
  /** Always `mark`. */
  readonly type: "mark";
  /** The position of the step marked. */
  readonly position: number;
  /** The mark. */
  readonly mark: StepMark;
  /** Why (a finding's text, what the dead end showed). */
  readonly note?: string;
}

/** Any journal record. */
export type JournalRecord = SessionRecord | ParamsRecord | StepRecord | MarkRecord;

/** A record as stored: with its sequence number and time. */
export type Stored<R extends JournalRecord = JournalRecord> = R & {
  readonly seq: number;
  readonly at: string;
};

/** What reading a journal found. */
export interface JournalContents {
  readonly records: readonly Stored[];
  /** Lines that could not be read (line number, why); they were skipped. */
  readonly problems: readonly string[];
}

function checksum(json: string): string {
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

/** One line of the journal for `record` (with its newline). */
export function encodeRecord(record: Stored): string {
  const json = JSON.stringify(record);
  return `${json.slice(0, -1)},"sum":"${checksum(json)}"}\n`;
}

/** The record of one journal line, or a reason it is not one. */
export function decodeRecord(line: string): Stored | string {
  const match = /,"sum":"([0-9a-f]{16})"\}$/.exec(line);
  if (!match) return "no checksum";
  const json = line.slice(0, match.index) + "}";
  if (checksum(json) !== match[1]) return "checksum mismatch";
  try {
    const record = JSON.parse(json);
    if (typeof record?.type !== "string" || typeof record.seq !== "number") return "not a record";
    return record as Stored;
  } catch {
    return "not JSON";
  }
}

/** An open journal file, appended to durably. */
export class Journal {
  readonly path: string;
  readonly #file: Deno.FsFile;
  #seq: number;
  #size: number;

  private constructor(path: string, file: Deno.FsFile, seq: number, size: number) {
    this.path = path;
    this.#file = file;
    this.#seq = seq;
    this.#size = size;
  }

  /**
   * Opens (or creates) the journal at `path` and reads it. A last line cut off by a crash
   * is moved to `<path>.damaged` and the file cut back to its last whole line, so appends
   * start clean.
   */
  static async open(path: string): Promise<{ journal: Journal; contents: JournalContents }> {
    let text = "";
    try {
      if (!(await Deno.stat(path)).isFile) {
        throw new SessionError(`${path} is not a journal file.`, {
          hint: "Move it away; a session's journal is a plain file.",
        });
      }
      text = await Deno.readTextFile(path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    const problems: string[] = [];
    const lastNewline = text.lastIndexOf("\n");
    const tail = text.slice(lastNewline + 1);
    if (tail !== "") {
      const lineNo = text.slice(0, lastNewline + 1).split("\n").length;
      try {
        await Deno.writeTextFile(`${path}.damaged`, tail + "\n", { append: true, mode: 0o600 });
        await Deno.truncate(path, new TextEncoder().encode(text.slice(0, lastNewline + 1)).length);
      } catch (error) {
        throw new SessionWriteError(path, error);
      }
      problems.push(
        `line ${lineNo}: cut off (a crash while writing); set aside in ${path}.damaged`,
      );
    }
    const records: Stored[] = [];
    const lines = text.slice(0, lastNewline + 1).split("\n");
    for (let i = 0; i < lines.length - 1; i++) {
      const decoded = decodeRecord(lines[i]);
      if (typeof decoded === "string") problems.push(`line ${i + 1}: ${decoded}; skipped`);
      else records.push(decoded);
    }
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
    } catch (error) {
      throw new SessionWriteError(path, error);
    }
    const seq = records.reduce((max, r) => Math.max(max, r.seq), 0);
    const size = (await file.stat()).size;
    return { journal: new Journal(path, file, seq, size), contents: { records, problems } };
  }

  /**
   * Appends `record`; when this returns, it is on disk.
   *
   * @throws {SessionWriteError} when the disk is full or the file not writable; the
   *   records before stay intact.
   */
  async append<R extends JournalRecord>(record: R): Promise<Stored<R>> {
    const stored = { ...record, seq: this.#seq + 1, at: new Date().toISOString() } as Stored<R>;
    const bytes = new TextEncoder().encode(encodeRecord(stored));
    try {
      await writeAll(this.#file, bytes);
      await this.#file.syncData();
    } catch (error) {
      // Part of the line may have been written (a full disk): cut it off, so the next
      // record starts on a line of its own.
      await this.#file.truncate(this.#size).catch(() => {});
      throw new SessionWriteError(this.path, error);
    }
    this.#seq++;
    this.#size += bytes.length;
    return stored;
  }

  close(): void {
    try {
      this.#file.close();
    } catch {
      // Already closed.
    }
  }
}
