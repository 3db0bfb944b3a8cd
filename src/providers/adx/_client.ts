/**
 * The wire under the ADX provider: `azure-kusto-data`'s `Client` (a fresh one per request,
 * so that closing it cancels exactly that request, then `.cancel query` asks the cluster to
 * stop the query where the principal may), answers kept as text and parsed with
 * exact integers, 429 retried as `Retry-After` says within bounds, and every failure turned
 * into an {@link AdxError} that names its cause and its fix.
 *
 * @module
 */
import type { TokenCredential } from "@azure/identity";
import { Agent, request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import {
  AdxAuthError,
  AdxDatabaseNotFoundError,
  AdxError,
  AdxNetworkError,
  AdxQueryError,
  AdxResponseError,
  AdxThrottledError,
  AdxTimeoutError,
} from "./errors.ts";
import { parseExact } from "./_results.ts";

type Kusto = typeof import("azure-kusto-data");
type KustoClient = InstanceType<Kusto["Client"]>;
type Properties = InstanceType<Kusto["ClientRequestProperties"]>;

let sdk: Promise<Kusto> | undefined;

/** How long a `.cancel query` after Ctrl-C may take before the abort returns anyway. */
const CANCEL_TIMEOUT_MS = 5_000;

/** Loads `azure-kusto-data` once (it pulls in axios and @azure/identity). */
export function loadKusto(): Promise<Kusto> {
  sdk ??= import("azure-kusto-data");
  return sdk;
}

/** Retry bounds of 429 and dropped connections. */
export interface RetrySettings {
  /** Retries after the first try (default 3). */
  readonly retries: number;
  /** Total waiting allowed, in ms (default 60 000). */
  readonly maxWaitMs: number;
}

/** What a request needs besides its text. */
export interface CallOptions {
  readonly properties: Properties;
  readonly signal?: AbortSignal;
  readonly onRetry?: (reason: string, waitMs: number, attempt: number) => void;
  /**
   * Read the answer as it streams in (a progressive answer): called after each frame line
   * with the rows of the fragments so far and the service's last `TableProgress` percent.
   */
  readonly onFrames?: (progress: StreamProgress) => void;
}

/** How far a streamed answer has come. */
export interface StreamProgress {
  /** Rows of the primary table's fragments received so far. */
  readonly rows: number;
  /** `TableFragment` frames received so far. */
  readonly fragments: number;
  /** The last `TableProgress` the service sent (0–100), when it sent one. */
  readonly percent?: number;
  /** Bytes received so far. */
  readonly bytes: number;
}

/** The connection to one cluster and database. */
export class KustoWire {
  readonly cluster: string;
  readonly database: string;
  readonly #kusto: Kusto;
  readonly #credential: TokenCredential;
  readonly #agent: Agent;
  readonly #retry: RetrySettings;
  readonly #hint: string;
  #metadata?: Promise<void>;

  constructor(
    kusto: Kusto,
    cluster: string,
    database: string,
    credential: TokenCredential,
    options: { caCertificates?: readonly string[]; retry?: Partial<RetrySettings>; hint: string },
  ) {
    this.#kusto = kusto;
    this.cluster = cluster;
    this.database = database;
    this.#credential = credential;
    this.#hint = options.hint;
    this.#retry = { retries: 3, maxWaitMs: 60_000, ...options.retry };
    this.#agent = new Agent({
      keepAlive: true,
      ...(options.caCertificates?.length
        ? { ca: [...rootCertificates, ...options.caCertificates] }
        : {}),
    });
  }

  /** Closes the pooled connections. */
  close(): void {
    this.#agent.destroy();
  }

  /** A fresh `ClientRequestProperties`. */
  properties(): Properties {
    return new this.#kusto.ClientRequestProperties();
  }

  /**
   * Runs a query (`/v2/rest/query`) or a control command (`/v1/rest/mgmt`, text starting
   * with `.`) and returns the parsed body.
   */
  async call(csl: string, options: CallOptions): Promise<unknown> {
    await this.#ensureMetadata();
    let waited = 0;
    for (let attempt = 0;; attempt++) {
      options.signal?.throwIfAborted();
      try {
        return await this.#once(csl, options);
      } catch (error) {
        if (error instanceof DOMException && error.name === "AbortError") throw error;
        const again = retryable(error);
        if (
          !again || attempt >= this.#retry.retries || waited + again.waitMs > this.#retry.maxWaitMs
        ) {
          throw this.#explain(error, csl);
        }
        options.onRetry?.(again.reason, again.waitMs, attempt + 1);
        await sleep(again.waitMs, options.signal);
        waited += again.waitMs;
      }
    }
  }

  async #once(csl: string, options: CallOptions): Promise<unknown> {
    const kcsb = this.#kusto.KustoConnectionStringBuilder.withTokenCredential(
      this.cluster,
      this.#credential,
    );
    const client: KustoClient = new this.#kusto.Client(kcsb);
    const axios = (client as unknown as { axiosInstance: { defaults: Record<string, unknown> } })
      .axiosInstance;
    // Our agent (pooled, trusting `caCertificates`), and the body as text: JSON.parse of
    // axios would round longs beyond 2^53.
    axios.defaults.httpsAgent = this.#agent;
    // A progressive answer is read as a stream, so that its fragments show as they come.
    axios.defaults.responseType = options.onFrames ? "stream" : "text";
    axios.defaults.transformResponse = [(data: unknown) => data];
    // `raw`: the client returns the body as is, partial failures included (it would throw
    // them away with the data otherwise). The request id is what `.cancel query` names.
    const id = `casefile;${crypto.randomUUID()}`;
    Object.assign(options.properties, { raw: true, clientRequestId: id });
    const abort = () => client.close();
    options.signal?.addEventListener("abort", abort, { once: true });
    // axios stops its timeout once a streamed answer's headers are in: the whole read is
    // bounded here, by the same client timeout the SDK gives axios.
    let timedOut = 0;
    const timeoutMs = options.onFrames
      ? (client as unknown as { _getClientTimeout(kind: string, p: Properties): number })
        ._getClientTimeout("query", options.properties)
      : 0;
    const timer = timeoutMs > 0
      ? setTimeout(() => {
        timedOut = timeoutMs;
        client.close();
      }, timeoutMs)
      : undefined;
    try {
      let text: unknown = await (csl.trimStart().startsWith(".")
        ? client.executeMgmt(this.database, csl, options.properties)
        : client.executeQuery(this.database, csl, options.properties));
      if (isStream(text)) {
        text = await readStream(text, options.onFrames);
      }
      options.signal?.throwIfAborted();
      if (typeof text !== "string") {
        return text;
      }
      try {
        return parseExact(text);
      } catch (error) {
        throw new DroppedError(`the answer is not whole JSON (${(error as Error).message})`);
      }
    } catch (error) {
      if (options.signal?.aborted) {
        if (!csl.trimStart().startsWith(".")) await this.#cancelOnCluster(id);
        throw new DOMException("The query was cancelled", "AbortError");
      }
      if (timedOut) {
        throw Object.assign(new Error(`timeout of ${timedOut}ms exceeded`), {
          code: "ECONNABORTED",
        });
      }
      // An error status read as a stream: its body as text, for the error's message.
      const response = (error as { response?: { data?: unknown } })?.response;
      if (response && isStream(response.data)) {
        response.data = await readStream(response.data).catch(() => "");
      }
      throw error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abort);
      client.close();
    }
  }

  /**
   * Asks the cluster to stop query `id` (`.cancel query`): closing the connection leaves a
   * running query to finish on the cluster. Best effort, a few seconds at most: a principal
   * may cancel only its own queries, and a refusal or no answer leaves the client-side abort.
   */
  async #cancelOnCluster(id: string): Promise<void> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), CANCEL_TIMEOUT_MS);
    try {
      await this.#once(`.cancel query ${JSON.stringify(id)}`, {
        properties: this.properties(),
        signal: controller.signal,
      });
    } catch {
      // Not permitted, not found (already over) or no answer: the abort stands as it is.
    } finally {
      clearTimeout(timer);
    }
  }

  /** Asks the cluster for its sign-in metadata once, through our agent, for the SDK's cache. */
  #ensureMetadata(): Promise<void> {
    this.#metadata ??= (async () => {
      const url = new URL("/v1/rest/auth/metadata", this.cluster);
      const { status, body } = await get(url, this.#agent).catch((error) => {
        this.#metadata = undefined;
        throw new AdxNetworkError(
          `Could not reach the cluster ${this.cluster}: ${(error as Error).message}`,
          {
            hint: "Check the cluster URL (https://<name>.<region>.kusto.windows.net), your " +
              "network and proxy; a TLS-inspecting proxy needs its CA in caCertificates or " +
              "NODE_EXTRA_CA_CERTS.",
            cause: error,
          },
        );
      });
      let info: unknown = undefined;
      if (status === 200) {
        try {
          info = (JSON.parse(body) as { AzureAD?: unknown }).AzureAD;
        } catch {
          info = undefined;
        }
      }
      // 404: a proxy without the endpoint; the SDK then assumes the public cloud, as here.
      this.#kusto.CloudSettings.writeToCache(this.cluster, info as never);
    })();
    return this.#metadata;
  }

  /** The casefile error for a failed request. */
  #explain(error: unknown, csl: string): Error {
    if (error instanceof AdxError) return error;
    const e = error as {
      name?: string;
      message?: string;
      code?: string;
      inner?: unknown;
      response?: { status?: number; data?: unknown; headers?: Record<string, string> };
    };
    const axiosError = (e.name === "ThrottlingError" ? e.inner : e) as typeof e;
    const response = axiosError?.response;
    const where = `${this.cluster}, database ${this.database}`;
    if (
      e.name === "KustoAuthenticationError" ||
      /token|credential|authenticat/i.test(e.message ?? "") && !response
    ) {
      return new AdxAuthError(`Could not get a token for ${this.cluster}: ${e.message}`, {
        hint: this.#hint,
        cause: error,
      });
    }
    if (response?.status && !isDrop(error)) {
      const body = serviceError(response.data);
      const said = body.message ? `: ${body.message}` : "";
      const status = response.status;
      const code = body.code;
      switch (status) {
        case 401:
          return new AdxAuthError(`${where} refused the token (401)${said}`, {
            status,
            code,
            hint: this.#hint,
            cause: error,
          });
        case 403:
          return new AdxAuthError(`${where} denied access (403)${said}`, {
            status,
            code,
            hint: "The principal needs the Database Viewer role on the database (or Database " +
              "User): `.add database ['" + this.database +
              "'] viewers ('aaduser=you@contoso.com')` " +
              "by a database admin, or in the portal under Permissions.",
            cause: error,
          });
        case 429:
          return new AdxThrottledError(`${where} throttled the query (429)${said}`, {
            status,
            code,
            retryAfterSeconds: retryAfter(response.headers),
            hint: "Too many queries at once on this cluster: wait a minute and try again, or ask " +
              "its admins about the request-rate policy of your workload group.",
            cause: error,
          });
      }
      if (
        body.type?.includes("EntityNotFound") || body.type?.includes("DatabaseNotFound") ||
        /database .*not found/i.test(body.message ?? "")
      ) {
        return new AdxDatabaseNotFoundError(
          this.database,
          `${this.cluster} has no database '${this.database}'${said}`,
          {
            status,
            code,
            hint:
              "Check the database name (case matters); `.show databases` on the cluster lists " +
              "those you may read.",
            cause: error,
          },
        );
      }
      if (
        status === 400 &&
        (body.type?.includes("Syntax") || body.type?.includes("Semantic") ||
          body.errorCode?.startsWith("SYN") || body.errorCode?.startsWith("SEM"))
      ) {
        const position = /\[line:position=(\d+):(\d+)\]/.exec(body.message ?? "");
        const line = position ? Number(position[1]) : undefined;
        const column = position ? Number(position[2]) + 1 : undefined;
        const at = line !== undefined ? ` (line ${line}, column ${column})` : "";
        const caret = line !== undefined ? `\n${caretOf(csl, line, column!)}` : "";
        return new AdxQueryError(`The cluster rejected the query${at}: ${body.message}${caret}`, {
          status,
          code: body.errorCode ?? code,
          line,
          column,
          hint: "Fix the query where the service points; table and column names are " +
            "case-sensitive (`.tables` lists the tables).",
          cause: error,
        });
      }
      return new AdxError(`${where} answered ${status}${said}`, {
        status,
        code,
        hint: status >= 500
          ? "The cluster had a problem: try again in a little while."
          : "Check the query and the request properties.",
        cause: error,
      });
    }
    if (e.code === "ECONNABORTED" || /timeout/i.test(e.message ?? "")) {
      return new AdxTimeoutError(`The query to ${where} timed out on the client side`, {
        hint: "Give a larger timeoutMs (and serverTimeoutSeconds), or narrow the query's time " +
          "window.",
        cause: error,
      });
    }
    if (isDrop(error)) {
      return new AdxNetworkError(
        `The connection to ${this.cluster} dropped before the answer was whole (${e.message}); ` +
          "nothing of it is used",
        {
          hint: "A network or proxy problem: try again; if it keeps happening, narrow the " +
            "query so the answer is smaller.",
          cause: error,
        },
      );
    }
    if (e.message?.startsWith("Failed to parse")) {
      return new AdxResponseError(`${where} answered in an unexpected shape: ${e.message}`, {
        hint: "Is the cluster URL an Azure Data Explorer cluster (not a proxy or a web page)?",
        cause: error,
      });
    }
    return new AdxNetworkError(`Could not query ${where}: ${e.message ?? String(error)}`, {
      hint: "Check the cluster URL, your network and proxy.",
      cause: error,
    });
  }
}

class DroppedError extends Error {}

type ByteStream = AsyncIterable<Uint8Array | string> & { destroy?: () => void };

function isStream(x: unknown): x is ByteStream {
  return typeof x === "object" && x !== null && Symbol.asyncIterator in x;
}

/**
 * A streamed answer read whole, reporting the fragments as their frame lines complete.
 * A stream that ends in an error (the connection dropped) is a {@link DroppedError} that
 * says how much had come: never a partial answer passed on as whole.
 */
async function readStream(
  stream: ByteStream,
  onFrames?: (progress: StreamProgress) => void,
): Promise<string> {
  const decoder = new TextDecoder();
  // The chunks, joined once at the end; only the line not yet complete is scanned for "\n"
  // (indexOf on the growing whole flattens it at every chunk: quadratic in the answer).
  const parts: string[] = [];
  let pending = "";
  let bytes = 0;
  let rows = 0;
  let fragments = 0;
  let percent: number | undefined;
  try {
    for await (const chunk of stream) {
      bytes += typeof chunk === "string" ? chunk.length : chunk.byteLength;
      const piece = typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
      parts.push(piece);
      if (!onFrames) continue;
      if (!piece.includes("\n")) {
        pending += piece;
        continue;
      }
      const lines = (pending + piece).split("\n");
      pending = lines.pop()!;
      let seen = false;
      for (const whole of lines) {
        const line = whole.replace(/^[[,]/, "").replace(/\]?\r?$/, "");
        if (line.startsWith('{"FrameType":"TableFragment"')) {
          try {
            const frame = JSON.parse(line) as { Rows?: unknown[]; TableFragmentType?: string };
            const n = frame.Rows?.length ?? 0;
            rows = frame.TableFragmentType === "DataReplace" ? n : rows + n;
            fragments++;
            seen = true;
          } catch {
            // Not one frame per line: progress is only the bytes.
          }
        } else if (line.startsWith('{"FrameType":"TableProgress"')) {
          const p = /"TableProgress":\s*([\d.]+)/.exec(line);
          if (p) percent = Number(p[1]);
          seen = true;
        }
      }
      if (seen) onFrames({ rows, fragments, percent, bytes });
    }
    parts.push(decoder.decode());
  } catch (error) {
    throw new DroppedError(
      `the connection closed after ${bytes} bytes` +
        (fragments > 0 ? ` and ${fragments} fragment(s) (${rows} rows)` : "") +
        `: ${(error as Error).message}`,
    );
  }
  return parts.join("");
}

/** A retry worth making: why, and how long to wait first. */
function retryable(error: unknown): { reason: string; waitMs: number } | undefined {
  const e = error as { name?: string; inner?: { response?: { headers?: Record<string, string> } } };
  if (e?.name === "ThrottlingError") {
    const seconds = retryAfter(e.inner?.response?.headers) ?? 5;
    return { reason: "throttled (429)", waitMs: seconds * 1000 };
  }
  if (isDrop(error)) return { reason: "connection dropped", waitMs: 1000 };
  return undefined;
}

/** Whether the connection dropped (before an answer, or in the middle of its body). */
function isDrop(error: unknown): boolean {
  if (error instanceof DroppedError) return true;
  const e = error as { message?: string; code?: string; response?: { status?: number } };
  if (e?.response?.status !== undefined && e.response.status !== 200) return false;
  return /ECONNRESET|socket hang up|stream has been aborted|EPIPE/i.test(e?.message ?? "") ||
    e?.code === "ECONNRESET" || e?.code === "ERR_BAD_RESPONSE";
}

function retryAfter(headers: Record<string, string> | undefined): number | undefined {
  const raw = headers?.["retry-after"];
  const seconds = raw === undefined ? NaN : Number(raw);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}

/** The fields of a Kusto error body (`{"error": {code, message, "@type", "@message", ...}}`). */
function serviceError(data: unknown): {
  code?: string;
  message?: string;
  type?: string;
  errorCode?: string;
} {
  let body = data;
  if (typeof data === "string") {
    try {
      body = JSON.parse(data);
    } catch {
      return { message: data.trim().slice(0, 300) || undefined };
    }
  }
  const error = (body as { error?: Record<string, unknown> })?.error;
  if (!error) return {};
  return {
    code: typeof error.code === "string" ? error.code : undefined,
    message: String(error["@message"] ?? error.message ?? ""),
    type: typeof error["@type"] === "string" ? error["@type"] : undefined,
    errorCode: typeof error["@errorCode"] === "string" ? error["@errorCode"] : undefined,
  };
}

function caretOf(query: string, line: number, column: number): string {
  const text = query.split("\n")[line - 1] ?? "";
  return `  ${text}\n  ${" ".repeat(Math.max(0, column - 1))}^`;
}

function get(url: URL, agent: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { method: "GET", agent, timeout: 30_000 }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => body += chunk);
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      response.on("error", reject);
    });
    request.on("timeout", () => request.destroy(new Error("timed out after 30 s")));
    request.on("error", reject);
    request.end();
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new DOMException("The query was cancelled", "AbortError"));
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", stop);
      resolve();
    }, ms);
    const stop = () => {
      clearTimeout(timer);
      reject(new DOMException("The query was cancelled", "AbortError"));
    };
    signal?.addEventListener("abort", stop, { once: true });
  });
}
