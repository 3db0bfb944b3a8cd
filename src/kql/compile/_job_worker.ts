/**
 * The worker thread of `_job_workers.ts`: imports a job's row function (a
 * {@link PortableRowFn}) and computes the batches of rows the main thread sends. The main
 * thread waits on shared memory rather than on its event loop, so each message back is
 * followed by a count raised in `ctrl` and a notify.
 *
 * This module and what it imports load no Polars (a worker starts in tens of milliseconds).
 *
 * @module
 */
/// <reference lib="deno.worker" />
import type { KustoType } from "../../schema/types.ts";
import type { JsValue } from "../runtime/_values.ts";
import type { PortableRowFn } from "./_portable.ts";

/**
 * The modules a worker computes with, imported once it has started (a static import it
 * may not read would end the worker before it can say so: the main thread, its event loop
 * blocked, would wait for its start-up limit).
 */
let lib: {
  parseJson: typeof import("../runtime/_json_text.ts").parseJsonUncached;
  portable: typeof import("./_portable.ts");
};

/** Posts a reply; set once the first message has given the channel. */
let post: ((reply: WorkerReply) => void) | undefined;

// An error no `try` catches (a row function's stray promise) ends the job on the main thread
// instead of leaving it waiting for a reply that never comes.
self.addEventListener("error", (event) => {
  event.preventDefault();
  post?.({ failed: String(event.error ?? event.message) });
});
self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  post?.({ failed: String(event.reason) });
});

/** The first message: the job and the channel to answer on. */
export interface WorkerStart {
  readonly port: MessagePort;
  /** Index 0 counts the messages posted back (the main thread waits on it). */
  readonly ctrl: Int32Array;
  readonly module: string;
  readonly name: string;
  /** Whether the function has several outputs (see `rowOutputs`). */
  readonly many: boolean;
  readonly outputTypes: readonly KustoType[];
}

/** An input column of a batch: dynamic values as their JSON text, others as values. */
export type BatchInput = { readonly text: readonly (string | null)[] } | {
  readonly values: readonly JsValue[];
};

/** A batch of rows to compute. */
export interface BatchRequest {
  readonly batch: number;
  readonly rows: number;
  readonly inputs: readonly BatchInput[];
}

/** What the worker posts back. */
export type WorkerReply =
  | { readonly ready: true }
  | { readonly failed: string }
  | { readonly batch: number; readonly outputs: readonly JsValue[][] }
  | { readonly batch: number; readonly error: string };

self.onmessage = async (event: MessageEvent<WorkerStart>) => {
  const { port, ctrl, module, name, many, outputTypes } = event.data;
  const reply = (reply: WorkerReply) => {
    port.postMessage(reply);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
  };
  post = reply;
  let fn: PortableRowFn;
  try {
    lib = {
      // The main thread's reading, uncached: a job's texts are mostly distinct, and a cached
      // value is copied out (dearer than parsing a series again).
      parseJson: (await import("../runtime/_json_text.ts")).parseJsonUncached,
      portable: await import("./_portable.ts"),
    };
    const loaded = (await import(module))[name];
    if (
      typeof loaded !== "function" || !lib.portable.isPortable(loaded) ||
      loaded.portable.name !== name
    ) {
      throw new Error(`${module} has no portable row function ${name}`);
    }
    fn = loaded;
  } catch (error) {
    reply({ failed: String(error) });
    return;
  }
  port.onmessage = (message: MessageEvent<BatchRequest>) => {
    const { batch, rows, inputs } = message.data;
    try {
      reply({ batch, outputs: compute(fn, rows, inputs, many, outputTypes) });
    } catch (error) {
      reply({ batch, error: String(error) });
    }
  };
  reply({ ready: true });
};

function compute(
  fn: PortableRowFn,
  rows: number,
  inputs: readonly BatchInput[],
  many: boolean,
  types: readonly KustoType[],
): JsValue[][] {
  const values = inputs.map((input) =>
    "text" in input
      ? input.text.map((v) => (v === null || v === undefined ? null : lib.parseJson(v)))
      : input.values
  );
  const outputs = lib.portable.applyRows(fn, rows, values, many ? types : undefined);
  return outputs.map((column, k) => lib.portable.crossingValues(column, types[k]));
}
