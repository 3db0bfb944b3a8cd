/**
 * Side-by-side measurement: the candidate and its baseline run alternately in one
 * process, so machine noise hits both; peak memory is read from the kernel per run.
 *
 * @module
 */

/** One measured pair. */
export interface Comparison {
  readonly name: string;
  readonly candidateMs: number;
  readonly baselineMs: number;
  readonly candidatePeakMiB?: number;
  readonly baselinePeakMiB?: number;
  readonly note?: string;
}

/** Median wall time (ms) and peak RSS (MiB) of `fn` over `runs` runs. */
async function measure(fn: () => unknown, runs: number): Promise<{ ms: number; peak?: number }> {
  const times: number[] = [];
  let peak: number | undefined;
  for (let i = 0; i < runs; i++) {
    resetPeak();
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
    const p = peakMiB();
    if (p !== undefined) peak = Math.max(peak ?? 0, p);
  }
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], peak };
}

/** Runs candidate and baseline alternately (after one warm-up each) and compares them. */
export async function compare(
  name: string,
  candidate: () => unknown,
  baseline: () => unknown,
  options: { runs?: number; note?: string } = {},
): Promise<Comparison> {
  await candidate();
  await baseline();
  const runs = options.runs ?? 5;
  const c: number[] = [];
  const b: number[] = [];
  let cPeak: number | undefined;
  let bPeak: number | undefined;
  for (let i = 0; i < runs; i++) {
    const x = await measure(candidate, 1);
    const y = await measure(baseline, 1);
    c.push(x.ms);
    b.push(y.ms);
    cPeak = Math.max(cPeak ?? 0, x.peak ?? 0) || undefined;
    bPeak = Math.max(bPeak ?? 0, y.peak ?? 0) || undefined;
  }
  const median = (xs: number[]) => xs.sort((p, q) => p - q)[Math.floor(xs.length / 2)];
  return {
    name,
    candidateMs: median(c),
    baselineMs: median(b),
    candidatePeakMiB: cPeak,
    baselinePeakMiB: bPeak,
    note: options.note,
  };
}

/** Prints comparisons as a table with the ratio candidate / baseline. */
export function report(title: string, rows: readonly Comparison[], target?: number): void {
  console.log(`\n${title}`);
  const fmt = (n: number | undefined, digits = 1) => n === undefined ? "-" : n.toFixed(digits);
  const lines = rows.map((r) => {
    const ratio = r.candidateMs / r.baselineMs;
    const verdict = target === undefined ? "" : ratio <= target ? "ok" : "OVER";
    return [
      r.name,
      fmt(r.candidateMs),
      fmt(r.baselineMs),
      fmt(ratio, 2),
      fmt(r.candidatePeakMiB, 0),
      fmt(r.baselinePeakMiB, 0),
      verdict,
      r.note ?? "",
    ];
  });
  const header = ["case", "ms", "baseline ms", "ratio", "peak MiB", "baseline MiB", "", "note"];
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const line of [header, ...lines]) {
    console.log(
      line.map((c, i) => i === 0 || i === 7 ? c.padEnd(widths[i]) : c.padStart(widths[i])).join(
        "  ",
      ),
    );
  }
}

// Linux keeps a process's peak resident memory (VmHWM); writing 5 to clear_refs resets it.
function resetPeak(): void {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux, or not permitted: peaks are then cumulative.
  }
}

function peakMiB(): number | undefined {
  try {
    const status = Deno.readTextFileSync("/proc/self/status");
    const kb = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}
