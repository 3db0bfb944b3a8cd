/**
 * Reopening a session: its journal read back into steps, marks and parameters, then every
 * step's values restored without calling any service (frames and series from the result
 * cache, JSON from the journal), and the steps that only define things (functions,
 * classes, imports) run again, since their values are not stored.
 *
 * @module
 */
import { SessionError } from "./errors.ts";
import { isDataFrame } from "../polars.ts";
import { attachRender } from "../providers/frame_render.ts";
import {
  JOURNAL_FORMAT,
  type ParamsRecord,
  type ResultSummary,
  type StepRecord,
  type Stored,
} from "./_journal.ts";
import { transformInput, typescript } from "./_transform.ts";
import type { StepContext } from "./_step_context.ts";

/**
 * Applies the journal's records: steps placed (a failed re-run does not replace the step
 * it re-ran), marks applied, parameter records passed to `onParams`. A journal without a
 * session record (a new one) gets one.
 *
 * @throws {SessionError} for a journal written by a newer casefile.
 */
export async function readJournal(
  ctx: StepContext,
  name: string,
  records: readonly Stored[],
  onParams: (record: ParamsRecord) => void,
): Promise<void> {
  if (!records.some((r) => r.type === "session")) {
    await ctx.append({
      type: "session",
      format: JOURNAL_FORMAT,
      name,
      created: new Date().toISOString(),
    });
  }
  for (const record of records) {
    switch (record.type) {
      case "session":
        if (record.format > JOURNAL_FORMAT) {
          throw new SessionError(
            `Session ${name} was written by a newer casefile (journal format ${record.format}).`,
            { hint: "Open it with that version." },
          );
        }
        break;
      case "params":
        onParams(record);
        break;
      case "step":
        // A failed re-run does not replace the step it re-ran.
        if (record.status === "ok" || record.position > ctx.steps.length) {
          ctx.steps.place(record, false);
        }
        break;
      case "mark":
        ctx.steps.applyMark(record);
        break;
    }
  }
}

/**
 * Restores the values of the steps that ran well, binds them in the scope, runs the
 * definitions again, and says (as notices) which steps are left without a value.
 */
export async function restoreValues(ctx: StepContext): Promise<void> {
  const missing: number[] = [];
  await Promise.all(
    ctx.steps.all().map(async (step) => {
      if (step.record.status !== "ok") return;
      const bindings = await restoreBindings(ctx, step.record);
      if (bindings === NOT_RESTORED) {
        missing.push(step.record.position);
        return;
      }
      ctx.steps.markRestored(step.record.position, bindings);
    }),
  );
  const vars = ctx.env.vars;
  Object.assign(vars, ctx.steps.scope());
  const last = ctx.steps.lastKept();
  if (last) vars._ = ctx.steps.value(last.record.position);
  // Definitions (functions, classes, imports) have no stored value: they run again.
  const rerun = await runDefinitionsAgain(ctx, missing);
  const left = missing.filter((p) => !rerun.includes(p));
  if (left.length > 0) {
    ctx.notice(
      `steps ${left.sort((a, b) => a - b).join(", ")}: result not in the cache; ` +
        `run them again with rerun()`,
    );
  }
  if (rerun.length > 0) {
    ctx.notice(`steps ${rerun.join(", ")}: definitions run again (functions, imports)`);
  }
}

const NOT_RESTORED = Symbol("not restored");

/**
 * Runs again, in order and without journaling, the code steps among `positions` that
 * only define things (functions, classes, imports): their values are not stored.
 *
 * @returns The positions run again.
 */
async function runDefinitionsAgain(
  ctx: StepContext,
  positions: readonly number[],
): Promise<number[]> {
  const done: number[] = [];
  const candidates = positions.map((p) => ctx.steps.at(p)!)
    .filter((s) => s.record.kind === "code" && s.mark !== "dead-end" && !s.record.form)
    .sort((a, b) => a.record.position - b.record.position);
  if (candidates.length === 0) return done;
  const ts = await typescript();
  for (const step of candidates) {
    const r = step.record;
    try {
      if (!transformInput(ts, r.code).definitionsOnly) continue;
      await ctx.env.evaluate(r.code);
      const names = r.binds ?? [r.name];
      const bindings = Object.fromEntries(names.map((n) => [n, ctx.env.vars[n]]));
      ctx.steps.markRestored(r.position, bindings);
      done.push(r.position);
    } catch {
      // Left unrestored (reported with the others).
    }
  }
  return done;
}

/** The values a step bound, from the journal and the cache. */
async function restoreBindings(
  ctx: StepContext,
  record: StepRecord,
): Promise<Record<string, unknown> | typeof NOT_RESTORED> {
  const main = await restoreValue(ctx, record.position, record.result);
  if (main === NOT_RESTORED) return NOT_RESTORED;
  // A restore builds a new frame: the journal's `render` goes with it again.
  if (record.kind === "query" && record.render && isDataFrame(main)) {
    const columns = record.result?.kind === "frame" ? record.result.columns : undefined;
    attachRender(main, record.render, columns ? { name: record.name, columns } : undefined);
  }
  const out: Record<string, unknown> = { [record.name]: main };
  for (const [name, summary] of Object.entries(record.bound ?? {})) {
    const value = await restoreValue(ctx, record.position, summary);
    if (value === NOT_RESTORED) return NOT_RESTORED;
    out[name] = value;
  }
  // Keep the order the code bound them in (the last one is the step's own value).
  const ordered: Record<string, unknown> = {};
  for (const name of record.binds ?? [record.name]) ordered[name] = out[name];
  return Object.assign(ordered, out);
}

/** A value as the journal summarised it: JSON from the journal, frames from the cache. */
async function restoreValue(
  ctx: StepContext,
  position: number,
  result: ResultSummary | undefined,
): Promise<unknown> {
  if (!result) return NOT_RESTORED;
  switch (result.kind) {
    case "json":
      return result.value;
    case "other":
      // Nothing to restore but "nothing" (a step that only printed, or looped).
      return result.type === "undefined" ? undefined : NOT_RESTORED;
    case "frame":
    case "series": {
      if (!ctx.cache) return NOT_RESTORED;
      const found = await ctx.cache.getResult(result.sha256);
      if (found.status !== "ok") {
        if (found.status === "damaged") {
          ctx.notice(
            `step ${position}: the cached result does not match its SHA-256; ` +
              (found.quarantined ? `set aside in ${found.quarantined}` : "not used"),
          );
        }
        return NOT_RESTORED;
      }
      return result.kind === "series" ? found.frame.getColumn(found.frame.columns[0]) : found.frame;
    }
  }
}
