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
import { connectCommand, describeSource, sameTarget, sourceOf } from "./_provider_source.ts";
import { SessionError } from "./errors.ts";

/**
 * Runs the steps from position `start` to the last again. Dead ends and failed steps are
 * skipped; values recorded from outside cannot be re-run (a notice says so). A step that
 * fails stops the re-run (its error is thrown). A step recorded on a named provider runs on
 * that provider only: when the session lacks it, or has another folder, workspace or
 * cluster under its name, nothing is run and the error says how to connect it again.
 *
 * @returns The steps run again.
 */
export async function rerunSteps(
  ctx: StepContext,
  start: number,
  options: { moveTime?: boolean; refresh?: boolean; signal?: AbortSignal },
): Promise<Step[]> {
  const done: Step[] = [];
  checkNamedProviders(ctx, ctx.steps.all().slice(start - 1));
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

/** Each step to re-run that names a provider finds that provider, on the data it ran on. */
function checkNamedProviders(ctx: StepContext, steps: readonly Step[]): void {
  for (const { record, mark } of steps) {
    const name = record.providerName;
    if (record.kind !== "query") continue;
    if (mark === "dead-end" || record.status === "error") continue;
    if (name === undefined) {
      checkSessionProvider(ctx, record);
      continue;
    }
    const recorded = record.connection;
    const where = recorded ? ` (${describeSource(recorded)})` : "";
    const provider = ctx.providers.get(name);
    const again = recorded
      ? `In the REPL: ${connectCommand(recorded, name)}; in code: session.addProvider("${name}", ` +
        "provider) with a provider opened on it."
      : `In the REPL: .connect KIND ... as ${name}; in code: session.addProvider("${name}", ` +
        "provider).";
    if (!provider) {
      throw new SessionError(
        `Step ${record.position} (${record.name}) ran on the provider @${name}${where}, which ` +
          "is not connected to this session: nothing was run again.",
        { hint: `Connect it again, then re-run. ${again}` },
      );
    }
    const now = sourceOf(provider);
    if (recorded && now && !sameTarget(recorded, now)) {
      throw new SessionError(
        `Step ${record.position} (${record.name}) ran on @${name} = ${
          describeSource(recorded)
        }, but @${name} is now ${describeSource(now)}: nothing was run again.`,
        { hint: `Connect the provider it ran on under its name. ${again}` },
      );
    }
  }
}

/**
 * A step that ran on the session's own provider re-runs on it only if it still holds the
 * data the step ran on: a session resumed (or switched with `.connect`) on other data
 * would otherwise give other answers under the same step, without a word.
 */
function checkSessionProvider(ctx: StepContext, record: Step["record"]): void {
  const recorded = record.connection;
  const now = ctx.provider ? sourceOf(ctx.provider) : undefined;
  if (!recorded || !now || sameTarget(recorded, now)) return;
  throw new SessionError(
    `Step ${record.position} (${record.name}) ran on ${describeSource(recorded)}, but the ` +
      `session's provider is now ${describeSource(now)}: nothing was run again.`,
    {
      hint:
        `Connect the data it ran on first. In the REPL: ${
          connectCommand(recorded, undefined)
        }; in code: open the session with that provider. To run the investigation on other ` +
        "data on purpose, replay it there (an exported script, or replaySession).",
    },
  );
}
