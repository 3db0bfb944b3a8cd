/**
 * Responsiveness benchmark: heavy local queries on the demo case (the engine's JavaScript
 * and Polars stretches hold the main thread), measuring for each the worst gap between
 * event-loop ticks of the main thread, the worst gap of another thread (where the REPL's
 * spinner and Ctrl-C live; target: under 250 ms), and the time from the interrupt flag
 * being raised (Ctrl-C) to the query stopping (target: as short as the engine's longest
 * uninterruptible stretch).
 *
 * @module
 */
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { clearInterrupt, interruptBuffer } from "../../src/interrupt.ts";

const HEAVY = [
  `SecurityEvent | extend w = split(CommandLine, " ") | mv-expand w | summarize n = count() by tostring(w) | top 5 by n`,
  `SecurityEvent | extend d = parse_json(strcat('{"a":"', Account, '"}')) | summarize count() by tostring(d.a)`,
  `SecurityEvent | summarize make_list(TimeGenerated) by Account | mv-expand list_TimeGenerated | summarize count() by Account`,
];

/** Runs the suite and prints one line per query. */
export async function run(): Promise<void> {
  const provider = await openLocalProvider();
  await provider.query("SecurityEvent | count"); // Loaded before timing.
  const worker = new Worker(new URL("./_tick_worker.ts", import.meta.url), { type: "module" });
  const ask = <T>(message: unknown, kind: string) =>
    new Promise<T>((resolve) => {
      const on = (e: MessageEvent) => {
        if (e.data.kind !== kind) return;
        worker.removeEventListener("message", on);
        resolve(e.data as T);
      };
      worker.addEventListener("message", on);
      worker.postMessage(message);
    });
  console.log(
    "query".padEnd(48) +
      "total ms  main worst gap  other thread worst gap  Ctrl-C at 300 ms: stopped after",
  );
  for (const kql of HEAVY) {
    clearInterrupt();
    await ask({ kind: "reset" }, "reset");
    let last = performance.now();
    let mainWorst = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      mainWorst = Math.max(mainWorst, now - last);
      last = now;
    }, 5);
    const started = performance.now();
    await provider.query(kql);
    const total = performance.now() - started;
    clearInterval(ticker);
    mainWorst = Math.max(mainWorst, performance.now() - last);
    const other = await ask<{ ms: number }>({ kind: "worst" }, "worst");

    clearInterrupt();
    const raised = ask<{ at: number }>(
      { kind: "interrupt", afterMs: 300, buffer: interruptBuffer() },
      "interrupt",
    );
    let stoppedAt = 0;
    let outcome = "finished";
    try {
      await provider.query(kql);
    } catch (error) {
      outcome = (error as Error).name;
    }
    stoppedAt = Date.now();
    const at = (await raised).at;
    clearInterrupt();
    console.log(
      `${kql.slice(0, 46).padEnd(48)}${total.toFixed(0).padStart(8)}  ${
        mainWorst.toFixed(0).padStart(14)
      }  ${other.ms.toFixed(0).padStart(22)}  ${
        outcome === "AbortError" ? `${stoppedAt - at} ms` : `not stopped (${outcome})`
      }`,
    );
  }
  worker.terminate();
}
