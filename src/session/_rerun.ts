/**
 * Running a session's steps again from one of them: queries with their templates at the
 * parameters' current values, code with its recorded source, each as its next revision.
 *
 * @module
 */
import type { Step } from "./_step_list.ts";
import type { StepContext } from "./_step_context.ts";
import { runQueryStep } from "./_run_query.ts";
import { isFunctionSource, runCodeStep } from "./_run_code.ts";

/**
 * Runs the steps from position `start` to the last again. Dead ends and failed steps are
 * skipped; values recorded from outside cannot be re-run (a notice says so). A step that
 * fails stops the re-run (its error is thrown).
 *
 * @returns The steps run again.
 */
export async function rerunSteps(
  ctx: StepContext,
  start: number,
  options: { moveTime?: boolean; refresh?: boolean; signal?: AbortSignal },
): Promise<Step[]> {
  const done: Step[] = [];
  for (const step of ctx.steps.all().slice(start - 1)) {
    const old = step.record;
    // Dead ends and mistakes (failed steps) are not part of the chain.
    if (step.mark === "dead-end" || old.status === "error") continue;
    if (old.kind === "value") {
      ctx.notice(`step ${old.position} (${old.name}) was recorded by a script; not re-run`);
      continue;
    }
    if (old.kind === "query") {
      await runQueryStep(
        ctx,
        old.position,
        old.revision + 1,
        old.name,
        old.template ?? [{ text: old.code }],
        {
          timespan: old.timespanParam ? { param: old.timespanParam } : old.timespan,
          now: options.moveTime ? undefined : old.now,
          refresh: options.refresh,
          signal: options.signal,
          providerOptions: old.providerOptions,
          providerName: old.providerName,
        },
      );
    } else {
      await runCodeStep(ctx, old.position, old.revision + 1, old.name, old.code, {
        compile: old.form === "function" ||
          (old.form === undefined && isFunctionSource(old.code)),
        bind: old.form === "function" ? old.binds : undefined,
        signal: options.signal,
      });
    }
    done.push(ctx.steps.at(old.position)!);
  }
  return done;
}
