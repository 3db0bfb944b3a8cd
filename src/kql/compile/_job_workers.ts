/**
 * JavaScript jobs off the main thread. A barrier's row-by-row job (see `computeRows` in
 * `_context.ts`) whose function is portable (`_portable.ts`) and whose inputs are large runs
 * in a small pool of Deno Workers, rows in batches. The compile path that calls it is
 * synchronous, so the main thread blocks: it waits on shared memory (`Atomics.wait`, a short
 * timeout at a time) and takes the workers' answers off their ports with
 * `receiveMessageOnPort`, reading the next batches out of Polars and writing the answers
 * back in between. Ctrl-C (the flag of `interrupt.ts`) terminates the workers and throws
 * {@link InterruptedError}.
 *
 * Small jobs stay on the main thread: a worker takes tens of milliseconds to start. A worker
 * that cannot start (no read permission for the modules), fails to load the function or
 * fails on a batch leaves the job to the main thread, which computes what is missing (and
 * throws the real error, if there is one).
 *
 * @module
 */
import { receiveMessageOnPort } from "node:worker_threads";
import { interrupted, InterruptedError } from "../../interrupt.ts";
import { type DataFrame, pl, type Series } from "../../polars.ts";
import type { KustoType } from "../../schema/types.ts";
import { jsToSeries, type JsValue, seriesToJs } from "../runtime/_values.ts";
import type { BatchInput, BatchRequest, WorkerReply, WorkerStart } from "./_job_worker.ts";
import { isPortable, type PortableRowFn, type RowFn } from "./_portable.ts";

/** How jobs use workers; tests and benchmarks change them. */
export const jobWorkers: {
  /** Workers per job (0: every job on the main thread). */
  count: number;
  /** Characters of dynamic input text below which a job stays on the main thread. */
  minChars: number;
  /** Characters of dynamic input text per batch a worker computes. */
  batchChars: number;
  /** How long a worker may take to load its function before the job goes without it. */
  startMs: number;
} = {
  count: Math.max(1, Math.min(2, navigator.hardwareConcurrency ?? 1)),
  minChars: 2_000_000,
  batchChars: 256 * 1024,
  startMs: 10_000,
};

/**
 * What the workers did, for tests: jobs they computed whole, batches they answered (of
 * jobs finished or not), and workers running now.
 */
export const workerStats: { jobs: number; batches: number; running: number } = {
  jobs: 0,
  batches: 0,
  running: 0,
};

/** A job as `_context.ts` queues it, as far as workers need to know it. */
export interface WorkerJob {
  readonly inputs: readonly { readonly type: KustoType }[];
  readonly fn: RowFn;
  /** The output columns: one for a plain job, one per output with `many`. */
  readonly outputs: readonly { readonly column: string; readonly type: KustoType }[];
  /** The function returns several outputs (see `rowOutputs`). */
  readonly many: boolean;
}

/** Rows the main thread computes itself: the output columns' values of `batch`'s rows. */
export type MainRows = (batch: DataFrame) => JsValue[][];

const ENTRY = new URL("./_job_worker.ts", import.meta.url);

/** How long the main thread sleeps at a time before it looks at the Ctrl-C flag again. */
const WAIT_MS = 20;

/** Batches a worker holds at a time: one computing, one waiting. */
const IN_FLIGHT = 2;

/**
 * The job's output columns computed on workers, or undefined when the job stays on the
 * main thread (not portable, small, or no worker can start).
 *
 * @param inputs The job's input columns `names`, in the order of `job.inputs`.
 * @param onMain Computes a batch on the main thread (when a worker fails).
 * @throws {InterruptedError} when Ctrl-C is pressed while the workers compute.
 */
export function computeInWorkers(
  inputs: DataFrame,
  names: readonly string[],
  job: WorkerJob,
  onMain: MainRows,
): Series[] | undefined {
  if (jobWorkers.count < 1 || !isPortable(job.fn)) return undefined;
  const height = inputs.height;
  if (height < 2) return undefined;
  const chars = textChars(inputs, names, job);
  if (chars < jobWorkers.minChars) return undefined;
  const fn = job.fn;
  if (!readable(ENTRY) || !readable(new URL(fn.portable.module))) return undefined;
  const rowsPerBatch = Math.max(1, Math.floor(height * jobWorkers.batchChars / chars));
  const batches = Math.ceil(height / rowsPerBatch);
  const count = Math.min(jobWorkers.count, batches);
  const pool = new Pool(fn, job, count);
  try {
    return pool.run(inputs, names, rowsPerBatch, batches, onMain);
  } finally {
    pool.close();
  }
}

/**
 * The characters of the job's dynamic inputs (its work grows with them); 0 (the main
 * thread) when they cannot be counted.
 */
function textChars(inputs: DataFrame, names: readonly string[], job: WorkerJob): number {
  const dynamic = names.filter((_, i) => job.inputs[i].type === "dynamic");
  if (dynamic.length === 0) return 0;
  try {
    const sums = inputs.select(
      ...dynamic.map((n) => pl.col(n).cast(pl.Utf8).str.lengths().cast(pl.Float64).sum().alias(n)),
    );
    return dynamic.reduce((total, n) => total + Number(sums.getColumn(n).get(0) ?? 0), 0);
  } catch {
    return 0;
  }
}

/** Whether the process may read the file of module `url` (a worker loads it). */
function readable(url: URL): boolean {
  if (url.protocol !== "file:") return false;
  try {
    const path = decodeURIComponent(url.pathname);
    return Deno.permissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}

interface Member {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly started: number;
  ready: boolean;
  /** The batches sent and not answered yet. */
  readonly sent: number[];
}

/** Workers computing one job's batches. */
class Pool {
  readonly #job: WorkerJob;
  readonly #ctrl = new Int32Array(new SharedArrayBuffer(4));
  readonly #members: Member[] = [];

  constructor(fn: PortableRowFn, job: WorkerJob, count: number) {
    this.#job = job;
    const start: Omit<WorkerStart, "port"> = {
      ctrl: this.#ctrl,
      module: fn.portable.module,
      name: fn.portable.name,
      many: job.many,
      outputTypes: job.outputs.map((o) => o.type),
    };
    for (let i = 0; i < count; i++) {
      try {
        const worker = new Worker(ENTRY, { type: "module", name: `casefile-job-${i}` });
        // A worker's own failure would reach the event loop after the job: never uncaught.
        worker.onerror = (event) => event.preventDefault();
        worker.onmessageerror = () => {};
        const channel = new MessageChannel();
        worker.postMessage({ ...start, port: channel.port2 }, [channel.port2]);
        workerStats.running++;
        this.#members.push({
          worker,
          port: channel.port1,
          started: performance.now(),
          ready: false,
          sent: [],
        });
      } catch {
        break; // no worker can start here: those started (if any) do the work
      }
    }
  }

  /** Computes every batch (on the workers, or the main thread for what they fail). */
  run(
    inputs: DataFrame,
    names: readonly string[],
    rowsPerBatch: number,
    batches: number,
    onMain: MainRows,
  ): Series[] {
    const slice = (b: number) => inputs.slice(b * rowsPerBatch, rowsPerBatch);
    const done: (Series[] | undefined)[] = new Array(batches);
    let next = 0;
    let left = batches;
    while (left > 0) {
      if (interrupted()) throw new InterruptedError();
      const seen = Atomics.load(this.#ctrl, 0);
      left -= this.#receive(done);
      if (this.#members.length === 0) {
        // No worker left: the main thread computes the rest, Ctrl-C checked between batches.
        for (let b = 0; b < batches; b++) {
          if (done[b]) continue;
          if (interrupted()) throw new InterruptedError();
          done[b] = this.#series(onMain(slice(b)), true);
        }
        break;
      }
      for (const member of this.#members) {
        while (member.sent.length < IN_FLIGHT && next < batches) {
          const batch = next++;
          member.sent.push(batch);
          member.port.postMessage(this.#request(batch, slice(batch), names));
        }
      }
      if (left > 0 && Atomics.load(this.#ctrl, 0) === seen) {
        Atomics.wait(this.#ctrl, 0, seen, WAIT_MS);
      }
    }
    if (this.#members.length > 0) workerStats.jobs++;
    return this.#job.outputs.map((_, k) => {
      const parts = done.map((d) => d![k]);
      return parts.length === 1 ? parts[0] : pl.concat(parts, { rechunk: true, parallel: false });
    });
  }

  /** A batch's request: dynamic inputs as their text (parsed on the worker). */
  #request(batch: number, rows: DataFrame, names: readonly string[]): BatchRequest {
    const inputs: BatchInput[] = this.#job.inputs.map((input, i) => {
      const column = rows.getColumn(names[i]);
      return input.type === "dynamic"
        ? { text: column.toArray() as (string | null)[] }
        : { values: seriesToJs(column, input.type) };
    });
    return { batch, rows: rows.height, inputs };
  }

  /** The series of a batch's output values (dynamic values as text unless `values`). */
  #series(outputs: readonly JsValue[][], values = false): Series[] {
    return this.#job.outputs.map(({ column, type }, k) =>
      type === "dynamic" && !values
        ? pl.Series(column, outputs[k] as (string | null)[], pl.Utf8)
        : jsToSeries(column, outputs[k], type)
    );
  }

  /**
   * Takes the answers waiting on the workers' ports into `done`; returns how many batches
   * they completed. A worker that failed (or does not start in time) stops them all: the
   * main thread then computes every batch not done.
   */
  #receive(done: (Series[] | undefined)[]): number {
    let completed = 0;
    for (const member of this.#members) {
      for (let reply = take(member); reply; reply = take(member)) {
        if ("outputs" in reply) {
          member.sent.splice(member.sent.indexOf(reply.batch), 1);
          done[reply.batch] = this.#series(reply.outputs);
          completed++;
          workerStats.batches++;
        } else if ("ready" in reply) {
          member.ready = true;
        } else {
          this.close();
          return completed;
        }
      }
      if (!member.ready && performance.now() - member.started > jobWorkers.startMs) {
        this.close();
        return completed;
      }
    }
    return completed;
  }

  /** Terminates every worker. */
  close(): void {
    for (const member of this.#members) {
      member.worker.terminate();
      member.port.close();
      workerStats.running--;
    }
    this.#members.length = 0;
  }
}

/** The next reply waiting on a member's port, if any. */
function take(member: Member): WorkerReply | undefined {
  const received = receiveMessageOnPort(member.port as never) as
    | { message: WorkerReply }
    | undefined;
  return received?.message;
}
