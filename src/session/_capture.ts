/**
 * What a step printed, and whether it reached for something that differs between runs:
 * while a step's code runs, `console` output is copied (it still reaches the terminal or
 * the notebook as usual), and calls of `Math.random`, `crypto.getRandomValues` and `fetch`
 * are noted.
 *
 * @module
 */
import { Console } from "node:console";
import { Writable } from "node:stream";
import { format } from "node:util";

/** The console methods whose output is kept. */
const METHODS = [
  "log",
  "info",
  "debug",
  "warn",
  "error",
  "table",
  "dir",
  "dirxml",
  "trace",
  "group",
  "groupCollapsed",
  "groupEnd",
  "assert",
  "count",
  "countReset",
] as const;

/** The methods that print their arguments as a line. */
const PLAIN: ReadonlySet<string> = new Set(["log", "info", "debug", "warn", "error"]);

/** A console line as Deno prints it: text as it is, values inspected, `%s`-style formats. */
function formatLine(args: readonly unknown[]): string {
  if (typeof args[0] === "string" && /%[sdifoOjc]/.test(args[0])) {
    return format(...args);
  }
  return args.map((a) =>
    typeof a === "string" ? a : Deno.inspect(a, { colors: false, depth: 4, iterableLimit: 100 })
  ).join(" ");
}

/** Output kept per step at most (64 KiB of text). */
export const OUTPUT_LIMIT = 64 * 1024;

/** What a step's run printed and used. */
export interface Captured {
  /** The console output, cut at {@link OUTPUT_LIMIT} characters. */
  readonly output: string;
  /** Why the step may give another result next time (random numbers, the network). */
  readonly volatile?: string;
  /** The charts the step made (a casefile `Chart` announces itself), in order. */
  readonly charts: readonly unknown[];
}

/** Where a casefile `Chart` announces itself when made (see viz/chart.ts). */
const CHART_MADE = Symbol.for("casefile.chartMade");

/** What {@link capture} gives: the value or the error, and what was printed and used. */
export type CaptureResult<T> =
  & ({ readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown })
  & Captured;

/**
 * Runs `fn`, keeping what it prints and noting sources of difference between runs; never
 * throws (what `fn` threw is in the result). Captures nest: an inner capture's output also
 * reaches the outer one.
 */
export async function capture<T>(fn: () => Promise<T>): Promise<CaptureResult<T>> {
  let text = "";
  let dropped = 0;
  const sink = new Writable({
    write(chunk, _encoding, done) {
      const piece = String(chunk);
      const room = OUTPUT_LIMIT - text.length;
      if (room >= piece.length) text += piece;
      else {
        text += piece.slice(0, Math.max(0, room));
        dropped += piece.length - Math.max(0, room);
      }
      done();
    },
  });
  const copy = new Console({ stdout: sink, stderr: sink, colorMode: false });
  const target = globalThis.console as unknown as Record<string, (...args: unknown[]) => void>;
  const originals = new Map<string, (...args: unknown[]) => void>();
  for (const method of METHODS) {
    const original = target[method];
    if (typeof original !== "function") continue;
    originals.set(method, original);
    const kept = (copy as unknown as Record<string, (...args: unknown[]) => void>)[method];
    const plain = PLAIN.has(method);
    target[method] = function (this: unknown, ...args: unknown[]) {
      original.apply(globalThis.console, args);
      try {
        // As Deno prints it (node's Console would quote strings differently).
        if (plain) sink.write(`${formatLine(args)}\n`);
        else kept.apply(copy, args);
      } catch {
        // A value that cannot be formatted twice is shown once.
      }
    };
  }
  const reasons = new Set<string>();
  const random = Math.random;
  const randomValues = crypto.getRandomValues;
  const fetcher = globalThis.fetch;
  // A library drawing a number as it loads (bignumber.js seeds itself) is not the step's
  // chance: calls from node_modules are left out. Once noted, or after many library calls,
  // the originals take over again (rand() over a million rows pays for no stack).
  let lookedAt = 0;
  Math.random = function () {
    if (fromCode()) {
      reasons.add("Math.random()");
      Math.random = random;
    } else if (++lookedAt > LOOKS) Math.random = random;
    return random.call(Math);
  };
  crypto.getRandomValues = function <V extends ArrayBufferView | null>(array: V): V {
    if (fromCode()) {
      reasons.add("crypto.getRandomValues()");
      crypto.getRandomValues = randomValues;
    } else if (++lookedAt > LOOKS) crypto.getRandomValues = randomValues;
    return randomValues.call(crypto, array as never) as V;
  };
  globalThis.fetch = function (...args: Parameters<typeof fetch>) {
    reasons.add(`a network request (${hostOf(args[0])})`);
    return fetcher(...args);
  };
  const charts: unknown[] = [];
  const slot = globalThis as { [CHART_MADE]?: (chart: unknown) => void };
  const outerChart = slot[CHART_MADE];
  slot[CHART_MADE] = (chart) => {
    charts.push(chart);
    outerChart?.(chart);
  };
  try {
    const value = await fn();
    return { ok: true, value, ...result() };
  } catch (error) {
    return { ok: false, error, ...result() };
  } finally {
    for (const [method, original] of originals) target[method] = original;
    Math.random = random;
    crypto.getRandomValues = randomValues;
    globalThis.fetch = fetcher;
    slot[CHART_MADE] = outerChart;
  }

  function result(): Captured {
    const output = dropped ? `${text}\n… ${dropped} more characters` : text;
    return {
      output,
      volatile: reasons.size ? `uses ${[...reasons].sort().join(", ")}` : undefined,
      charts,
    };
  }
}

/** Library calls of the random functions looked at before the trap steps aside. */
const LOOKS = 100;

/** Whether the caller of the trapped function (two frames up) is not a library's code. */
function fromCode(): boolean {
  const frames = (new Error().stack ?? "").split("\n").slice(3, 4);
  return !frames.some((f) => f.includes("/node_modules/"));
}

function hostOf(input: unknown): string {
  try {
    const url = input instanceof Request ? input.url : String(input);
    return new URL(url).host;
  } catch {
    return "?";
  }
}
