/**
 * The session journal: one JSON record per line, appended and synced to disk the moment a
 * step completes. Each line carries a checksum of its record, a sequence number and the
 * checksum of the line before it, so a line cut off by a crash, altered, missing or moved
 * is recognised and named; the records before it are kept and the rest set aside.
 *
 * @module
 */
import type { ColumnSchema } from "../schema/mod.ts";
import type { QueryWarning, RenderSpec } from "../providers/mod.ts";
import type { ProviderSource } from "./_provider_source.ts";
import type { ParamKind } from "./params.ts";
import { SessionError, SessionWriteError } from "./errors.ts";
import { writeAll } from "./_files.ts";
import { checksum, decodeLine, scanJournal } from "./_journal_scan.ts";
import { redactValue } from "../_secrets.ts";

/** Fields written as the analyst wrote them (but for known secret values). */
const VERBATIM: ReadonlySet<string> = new Set(["code", "template"]);

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
  /**
   * For queries: the name of the session's provider the step ran on, when it was not the
   * default one (`session.query(name, q, { provider: "adx" })`, `%kql @adx ...`); absent in
   * journals written before sessions had named providers: the default.
   */
  readonly providerName?: string;
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

/**
 * A record as stored: with its sequence number (1, 2, 3… without a gap), the checksum of
 * the line before it (`prev`: "" for the first; absent in journals written before records
 * were chained) and its time.
 */
export type Stored<R extends JournalRecord = JournalRecord> = R & {
  readonly seq: number;
  readonly prev?: string;
  readonly at: string;
};

/** What reading a journal found. */
export interface JournalContents {
  readonly records: readonly Stored[];
  /**
   * What was wrong, each named (the line, why, what was lost and where it was set aside);
   * the records before the damage are kept.
   */
  readonly problems: readonly string[];
}

/** One line of the journal for `record` (with its newline). */
export function encodeRecord(record: Stored): string {
  const json = JSON.stringify(record);
  return `${json.slice(0, -1)},"sum":"${checksum(json)}"}\n`;
}

/** The record of one journal line, or a reason it is not one. */
export function decodeRecord(line: string): Stored | string {
  const decoded = decodeLine(line);
  return typeof decoded === "string" ? decoded : decoded.record as unknown as Stored;
}

/**
 * What the journal's writer last wrote (kept beside it in `<journal>.head`): so a journal
 * cut short or emptied is told from a session that had no more.
 */
interface Head {
  readonly seq: number;
  readonly sum: string;
  readonly steps: number;
}

async function readHead(path: string): Promise<Head | undefined> {
  try {
    const head = JSON.parse(await Deno.readTextFile(path));
    return Number.isInteger(head?.seq) && typeof head.sum === "string" ? head : undefined;
  } catch {
    return undefined;
  }
}

function stepsOf(records: readonly { type: string; position?: unknown }[]): number {
  return records.reduce(
    (max, r) => r.type === "step" ? Math.max(max, r.position as number) : max,
    0,
  );
}

/** An open journal file, appended to durably. */
export class Journal {
  readonly path: string;
  readonly #file: Deno.FsFile;
  #seq: number;
  #sum: string;
  #steps: number;
  #size: number;

  private constructor(
    path: string,
    file: Deno.FsFile,
    last: { seq: number; sum: string; steps: number },
    size: number,
  ) {
    this.path = path;
    this.#file = file;
    this.#seq = last.seq;
    this.#sum = last.sum;
    this.#steps = last.steps;
    this.#size = size;
  }

  /**
   * Opens (or creates) the journal at `path` and reads it, checking each line's checksum,
   * numbering and chain. At the first damaged line (altered, missing, moved, cut off by a
   * crash) the journal is cut back: the records before it are kept, and the damaged tail
   * is copied aside (`<path>.damaged`, never deleted), so appends chain on from the last
   * intact record. A journal shorter than its writer left it (`<path>.head`) is reported.
   * Every problem is also appended to `<path>.damage.log`.
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
    const scan = scanJournal(text);
    const records = scan.records as unknown as Stored[];
    const problems: string[] = [];
    const { damage } = scan;
    if (damage) {
      const aside = damage.cutOff
        ? `${path}.damaged`
        : `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      try {
        const tail = new TextEncoder().encode(text).subarray(damage.offset);
        await Deno.writeFile(aside, tail, { append: true, mode: 0o600 });
        await Deno.truncate(path, damage.offset);
      } catch (error) {
        throw new SessionWriteError(path, error);
      }
      problems.push(
        `line ${damage.line}: ${damage.reason}; ` +
          (damage.cutOff
            ? `set aside in ${aside}`
            : `kept records 1–${records.length}; set aside ${damage.lost.length} line(s) ` +
              `in ${aside}, lost: ${damage.lost.join("; ")}`),
      );
    }
    const head = await readHead(`${path}.head`);
    const lastSeq = records.length;
    if (head && head.seq > lastSeq && !(damage && !damage.cutOff)) {
      problems.push(
        `ends at record ${lastSeq}, but ${head.seq} were written (the session had ` +
          `${head.steps} step(s); ${stepsOf(records)} remain): records ${lastSeq + 1}–` +
          `${head.seq} are missing (the journal was truncated or emptied)`,
      );
    } else if (head && head.seq <= lastSeq && scan.sums.get(head.seq) !== head.sum) {
      problems.push(`record ${head.seq} is not the one written (altered or replaced)`);
    }
    if (scan.unchained > 0) {
      problems.push(
        `records 1–${scan.unchained} were written before records were chained: a line ` +
          `missing among them is detected by its number, an altered one only by its checksum`,
      );
    }
    if (problems.some((p) => !p.startsWith("records 1–"))) await logDamage(path, problems);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { append: true, create: true, mode: 0o600 });
    } catch (error) {
      throw new SessionWriteError(path, error);
    }
    const size = (await file.stat()).size;
    const last = { seq: lastSeq, sum: scan.lastSum, steps: stepsOf(records) };
    return { journal: new Journal(path, file, last, size), contents: { records, problems } };
  }

  /**
   * Appends `record`; when this returns, it is on disk.
   *
   * @throws {SessionWriteError} when the disk is full or the file not writable; the
   *   records before stay intact.
   */
  async append<R extends JournalRecord>(record: R): Promise<Stored<R>> {
    const stored = {
      // Secrets never reach the disk (code and query text keep what merely looks like a
      // token: an analyst may be searching for one).
      ...redactValue(record, { keepPatternsIn: VERBATIM }),
      seq: this.#seq + 1,
      prev: this.#sum,
      at: new Date().toISOString(),
    } as Stored<R>;
    const line = encodeRecord(stored);
    const bytes = new TextEncoder().encode(line);
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
    this.#sum = /"sum":"([0-9a-f]{16})"\}\n$/.exec(line)![1];
    this.#size += bytes.length;
    if (record.type === "step") this.#steps = Math.max(this.#steps, record.position);
    await writeHead(`${this.path}.head`, { seq: this.#seq, sum: this.#sum, steps: this.#steps });
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

/** Notes the head (written aside and renamed over: never half a head). */
async function writeHead(path: string, head: Head): Promise<void> {
  const temporary = `${path}.${Deno.pid}-${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(temporary, JSON.stringify(head), { mode: 0o600 });
    await Deno.rename(temporary, path);
  } catch {
    // The head only sharpens what a later open can report; the record itself is on disk.
    await Deno.remove(temporary).catch(() => {});
  }
}

/** Keeps what was found wrong, so the report outlives this open. */
async function logDamage(path: string, problems: readonly string[]): Promise<void> {
  const at = new Date().toISOString();
  const text = problems.map((p) => `${at} ${p}\n`).join("");
  await Deno.writeTextFile(`${path}.damage.log`, text, { append: true, mode: 0o600 })
    .catch(() => {});
}
