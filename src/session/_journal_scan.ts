/**
 * Reading a journal back and judging it: each line's checksum, the records numbered
 * 1, 2, 3… without a gap, each chained to the one before (it carries the checksum of the
 * line before as `prev`), and each shaped as its type says. The first line that fails is
 * where the damage starts: the records before it are kept, the rest is the damaged tail.
 * A journal written before records were chained (no `prev`) is accepted as unchained.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** A record as a line holds it, before it is known to be one (see `_journal.ts`). */
export interface RawRecord {
  readonly type: string;
  readonly seq: number;
  readonly prev?: string;
  readonly [field: string]: unknown;
}

/** The checksum of a record's JSON (the line's `sum`, and the next record's `prev`). */
export function checksum(json: string): string {
  return createHash("sha256").update(json).digest("hex").slice(0, 16);
}

/** A line's record and checksum, or why it is not one. */
export function decodeLine(line: string): { record: RawRecord; sum: string } | string {
  const match = /,"sum":"([0-9a-f]{16})"\}$/.exec(line);
  if (!match) return "no checksum";
  const json = line.slice(0, match.index) + "}";
  if (checksum(json) !== match[1]) return "checksum mismatch";
  try {
    const record = JSON.parse(json);
    if (typeof record?.type !== "string" || typeof record.seq !== "number") return "not a record";
    return { record, sum: match[1] };
  } catch {
    return "not JSON";
  }
}

/** What a scan of a journal's text found. */
export interface JournalScan {
  /** The intact records, in order. */
  readonly records: readonly RawRecord[];
  /** The checksum of the last intact record's line ("" when there is none). */
  readonly lastSum: string;
  /** The checksum of each intact record's line, by sequence number. */
  readonly sums: ReadonlyMap<number, string>;
  /** How many of the intact records carry no chain (written before records were chained). */
  readonly unchained: number;
  /** Where the damage starts, if anywhere. */
  readonly damage?: {
    /** The 1-based line. */
    readonly line: number;
    /** The byte offset of that line: the journal is kept up to here. */
    readonly offset: number;
    /** What is wrong with that line. */
    readonly reason: string;
    /** Whether the damage is only a last line cut off (a crash while writing). */
    readonly cutOff: boolean;
    /** The damaged tail's lines, as a person reads what they were. */
    readonly lost: readonly string[];
  };
}

const STEP_KINDS = new Set(["query", "code", "value"]);
const RESULT_KINDS = new Set(["frame", "series", "json", "other"]);
const MARKS = new Set(["dead-end", "finding", "none"]);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isPosition(v: unknown, max: number): boolean {
  return Number.isInteger(v) && (v as number) >= 1 && (v as number) <= max;
}

/**
 * Why a checksummed record is not one the session can use (undefined: it can). `positions`
 * is how many step positions the records before it made.
 */
function shapeProblem(r: RawRecord, positions: number): string | undefined {
  switch (r.type) {
    case "session":
      return typeof r.format === "number" && typeof r.name === "string"
        ? undefined
        : "a session record without its format or name";
    case "params":
      return isObject(r.definitions) && isObject(r.values)
        ? undefined
        : "a parameter record without definitions or values";
    case "mark":
      // A mark of a position with no step is ignored when the marks are applied.
      return isPosition(r.position, Infinity) && MARKS.has(r.mark as string)
        ? undefined
        : "a mark without its position or mark";
    case "step": {
      if (!isPosition(r.position, positions + 1)) {
        return `a step at position ${r.position} after ${positions} steps`;
      }
      const fields = typeof r.name === "string" && typeof r.code === "string" &&
        STEP_KINDS.has(r.kind as string) && (r.status === "ok" || r.status === "error") &&
        Number.isInteger(r.revision);
      if (!fields) return `step ${r.position} without its name, code, kind or status`;
      const result = r.result;
      if (result === undefined) return undefined;
      if (!isObject(result) || !RESULT_KINDS.has(result.kind as string)) {
        return `step ${r.position} with a result of no known kind`;
      }
      if (
        (result.kind === "frame" || result.kind === "series") &&
        !/^[0-9a-f]{64}$/.test(String(result.sha256))
      ) return `step ${r.position} with a table result without its SHA-256`;
      return undefined;
    }
    default:
      return `a record of unknown type ${JSON.stringify(r.type)}`;
  }
}

/** What a damaged line was, as far as it can be read (`step 3 (failures)`). */
function describeLost(line: string): string {
  const fields = /"type":"(\w+)"/.exec(line)?.[1];
  const position = /"position":(\d+)/.exec(line)?.[1];
  const name = /"name":"([A-Za-z0-9_$]+)"/.exec(line)?.[1];
  const seq = /"seq":(\d+)/.exec(line)?.[1];
  const at = seq ? `record ${seq}` : "a record";
  switch (fields) {
    case "step":
      return `${at}: step ${position ?? "?"}${name ? ` (${name})` : ""}`;
    case "mark":
      return `${at}: a mark of step ${position ?? "?"}`;
    case "params":
      return `${at}: parameter values`;
    case "session":
      return `${at}: the session record`;
    default:
      return `${at}: unreadable`;
  }
}

/** Reads `text` (a journal) record by record and finds where, if anywhere, it is damaged. */
export function scanJournal(text: string): JournalScan {
  const records: RawRecord[] = [];
  const sums = new Map<number, string>();
  let lastSum = "";
  let unchained = 0;
  let positions = 0;
  let offset = 0;
  let chars = 0;
  const lines = text.split("\n");
  // The text after the last newline: "" for a whole journal, a cut-off line otherwise.
  const complete = lines.length - 1;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (i === complete && line === "") break;
    const reason = i === complete
      ? "cut off (a crash while writing)"
      : judgeLine(line, records.length + 1, lastSum, unchained < records.length, positions);
    if (typeof reason === "string") {
      return {
        records,
        lastSum,
        sums,
        unchained,
        damage: {
          line: i + 1,
          offset,
          reason,
          cutOff: i === complete,
          lost: text.slice(chars).split("\n").filter((l) => l !== "").map(describeLost),
        },
      };
    }
    const { record, sum } = reason;
    records.push(record);
    sums.set(record.seq, sum);
    if (record.prev === undefined) unchained++;
    if (record.type === "step") {
      positions = Math.max(positions, record.position as number);
    }
    lastSum = sum;
    offset += new TextEncoder().encode(line).length + 1;
    chars += line.length + 1;
  }
  return { records, lastSum, sums, unchained };
}

/** A line's record, or what is wrong with it where it stands. */
function judgeLine(
  line: string,
  seq: number,
  prevSum: string,
  chained: boolean,
  positions: number,
): { record: RawRecord; sum: string } | string {
  const decoded = decodeLine(line);
  if (typeof decoded === "string") return decoded;
  const { record } = decoded;
  if (record.seq !== seq) {
    return record.seq < seq
      ? `record ${record.seq} where record ${seq} belongs (repeated or out of order)`
      : `record ${record.seq} where record ${seq} belongs (records ${seq}–${
        record.seq - 1
      } missing)`;
  }
  if (record.prev === undefined) {
    if (chained) return `record ${seq} carries no chain, though the records before it do`;
  } else if (record.prev !== prevSum) {
    return `record ${seq} does not follow the record before it (chain broken: a line ` +
      `missing, moved or altered)`;
  }
  return shapeProblem(record, positions) ?? decoded;
}
