/**
 * Evidence integrity: every step's result, as stored in the cache, checked against the
 * SHA-256 its journal recorded.
 *
 * @module
 */
import { sha256Hex } from "./result_cache.ts";
import type { Session } from "./session.ts";
import { SessionError } from "./errors.ts";

/** How one step's stored result compares with its journal. */
export type VerifyStatus = "ok" | "missing" | "mismatch";

/** One step's check. */
export interface VerifiedStep {
  /** The step's position. */
  readonly position: number;
  /** The step's name. */
  readonly name: string;
  /** The SHA-256 the journal recorded. */
  readonly sha256: string;
  /** How its stored result compares with the journal. */
  readonly status: VerifyStatus;
  /** Whether the step is a dead end (its result does not count towards {@link VerifyReport.ok}). */
  readonly deadEnd: boolean;
  /** For a mismatch: the SHA-256 of the bytes found. */
  readonly actual?: string;
}

/** What {@link verifySession} found. */
export interface VerifyReport {
  /** True when every checked step that is not a dead end is `ok`. */
  readonly ok: boolean;
  /** The steps whose result is a table (values kept in the journal itself are not listed). */
  readonly steps: readonly VerifiedStep[];
}

/**
 * Recomputes the SHA-256 of each step's cached result (a DataFrame or Series, stored as
 * Parquet) and compares it with the one the journal recorded: `ok`, `missing` (not in
 * the cache) or `mismatch` (the file was changed: where it is, or in the cache's
 * `quarantine/`, where a read that found it damaged moved it). Dead ends are checked too, but only
 * the kept steps decide whether the whole is `ok` (a bundle leaves dead ends out). Nothing is modified or removed, so a
 * mismatching file stays for examination.
 *
 * @param session An open session with a result cache.
 * @returns One entry per step with a table result, and whether all are ok.
 * @throws {SessionError} when the session has no cache.
 *
 * @example Check a session's evidence
 * ```ts
 * import assert from "node:assert/strict";
 * import { verifySession } from "./verify.ts";
 * import { openSession } from "./session.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const home = await Deno.makeTempDir();
 * const session = await openSession("check", {
 *   home,
 *   provider: await openLocalProvider(),
 * });
 * await session.query("alerts", "SecurityAlert | summarize n = count() by AlertName");
 * const report = await verifySession(session);
 * assert.equal(report.ok, true);
 * assert.deepEqual(report.steps.map((s) => `${s.name}: ${s.status}`), ["alerts: ok"]);
 * await session.close();
 * await Deno.remove(home, { recursive: true });
 * ```
 */
export async function verifySession(session: Session): Promise<VerifyReport> {
  const cache = session.cache;
  if (!cache) {
    throw new SessionError(`Session ${session.name} keeps no result cache to verify.`, {
      hint: "Open it without cache: false.",
    });
  }
  const steps: VerifiedStep[] = [];
  for (const { record, mark } of session.steps()) {
    const result = record.result;
    if (record.status !== "ok" || (result?.kind !== "frame" && result?.kind !== "series")) {
      continue;
    }
    const base = {
      position: record.position,
      name: record.name,
      sha256: result.sha256,
      deadEnd: mark === "dead-end",
    };
    let bytes: Uint8Array;
    try {
      try {
        bytes = await Deno.readFile(cache.resultPath(result.sha256));
      } catch (error) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
        // A result found damaged when read was moved aside, not deleted: still a mismatch.
        const aside = await cache.quarantined(result.sha256);
        if (!aside) {
          steps.push({ ...base, status: "missing" });
          continue;
        }
        bytes = await Deno.readFile(aside);
      }
    } catch {
      // Not a readable file where the result belongs (a directory, no permission): what is
      // there is not the result the journal recorded.
      steps.push({ ...base, status: "mismatch" });
      continue;
    }
    const actual = sha256Hex(bytes);
    steps.push(
      actual === result.sha256
        ? { ...base, status: "ok" }
        : { ...base, status: "mismatch", actual },
    );
  }
  return { ok: steps.every((s) => s.deadEnd || s.status === "ok"), steps };
}
