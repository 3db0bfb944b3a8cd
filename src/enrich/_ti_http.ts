/**
 * HTTP plumbing of the online providers: API keys from config or environment, a timeout
 * on every call, 429s waited out per Retry-After, bounded concurrency, and a breaker that
 * stops calling a provider that is down.
 *
 * @module
 */
import { EnrichmentProviderError } from "./errors.ts";
import { registerSecret } from "../_secrets.ts";

/** Options every online provider takes. */
export interface HttpProviderOptions {
  /** The API key; default: the provider's environment variable. Never logged or cached. */
  readonly apiKey?: string;
  /** The API's base URL (point it at a loopback server in tests). */
  readonly baseUrl?: string;
  /** Every call's timeout (default 15,000 ms). */
  readonly timeoutMs?: number;
  /** Most calls in flight at once (default 4). */
  readonly concurrency?: number;
  /** Retries after a 429 (default 2). */
  readonly maxRetries?: number;
  /** Longest wait a Retry-After may impose before the row is given up as rate-limited (default 60,000 ms). */
  readonly maxRetryWaitMs?: number;
  /** How long answers are cached (default 24 h). */
  readonly cacheTtlMs?: number;
  /** Consecutive failures after which the provider counts as down for the batch (default 3). */
  readonly breakAfter?: number;
}

/** The API key from the options or the environment (undefined when neither has one). */
export function resolveKey(options: HttpProviderOptions, variable: string): string | undefined {
  if (options.apiKey) {
    // Kept out of every journal, like the environment's keys.
    registerSecret(options.apiKey, variable);
    return options.apiKey;
  }
  try {
    return Deno.env.get(variable) || undefined;
  } catch {
    // No --allow-env: as good as unset.
    return undefined;
  }
}

/** A JSON answer. */
export interface JsonReply {
  readonly status: number;
  readonly body: unknown;
}

/** Calls through one provider: concurrency, rate-limit pauses, retries, breaker. */
export class HttpGate {
  readonly #provider: string;
  readonly #options: Required<
    Pick<
      HttpProviderOptions,
      "timeoutMs" | "concurrency" | "maxRetries" | "maxRetryWaitMs" | "breakAfter"
    >
  >;
  #active = 0;
  #waiting: Array<() => void> = [];
  #pausedUntil = 0;
  #failures = 0;
  #lastFailure = "";

  constructor(provider: string, options: HttpProviderOptions) {
    this.#provider = provider;
    this.#options = {
      timeoutMs: options.timeoutMs ?? 15_000,
      concurrency: options.concurrency ?? 4,
      maxRetries: options.maxRetries ?? 2,
      maxRetryWaitMs: options.maxRetryWaitMs ?? 60_000,
      breakAfter: options.breakAfter ?? 3,
    };
  }

  /** GETs `url` as JSON; 404 comes back as a reply, other failures throw. */
  async getJson(
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<JsonReply> {
    await this.#acquire(signal);
    try {
      for (let attempt = 0;; attempt++) {
        this.#checkBreaker();
        await this.#waitForPause(signal);
        const reply = await this.#once(url, headers, signal);
        if (reply.status === 429) {
          const wait = reply.retryAfterMs ?? 1000 * 2 ** attempt;
          if (attempt >= this.#options.maxRetries || wait > this.#options.maxRetryWaitMs) {
            throw new EnrichmentProviderError(
              `${this.#provider} rate limit reached (HTTP 429${
                reply.retryAfterMs === undefined
                  ? ""
                  : `, retry after ${Math.ceil(reply.retryAfterMs / 1000)} s`
              })`,
              {
                capability: "threat-intel",
                provider: this.#provider,
                status: 429,
                retryAfterSeconds: reply.retryAfterMs === undefined
                  ? undefined
                  : reply.retryAfterMs / 1000,
                hint:
                  "Wait for the quota to reset, lower the concurrency, or look up fewer indicators.",
              },
            );
          }
          this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + wait);
          continue;
        }
        if (reply.status >= 500) {
          this.#fail(`HTTP ${reply.status}`);
          throw this.#error(`${this.#provider} failed with HTTP ${reply.status}`, reply.status);
        }
        this.#failures = 0;
        return { status: reply.status, body: reply.body };
      }
    } finally {
      this.#release();
    }
  }

  async #once(
    url: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<{ status: number; body: unknown; retryAfterMs?: number }> {
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        headers: { accept: "application/json", ...headers },
        signal: AbortSignal.any([signal, timeout]),
      });
      text = await response.text();
    } catch (e) {
      if (timeout.aborted) {
        this.#fail("timeout");
        throw new EnrichmentProviderError(
          `${this.#provider} did not answer within ${this.#options.timeoutMs} ms`,
          {
            capability: "threat-intel",
            provider: this.#provider,
            status: 0,
            hint: "Raise timeoutMs, or try again later.",
          },
        );
      }
      if (signal.aborted) throw e;
      this.#fail("unreachable");
      throw this.#error(`Cannot reach ${this.#provider}: ${(e as Error).message}`, undefined, e);
    }
    let body: unknown = undefined;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    return {
      status: response.status,
      body,
      retryAfterMs: retryAfter(response.headers.get("retry-after")),
    };
  }

  #fail(what: string): void {
    this.#failures++;
    this.#lastFailure = what;
  }

  #checkBreaker(): void {
    if (this.#failures >= this.#options.breakAfter) {
      throw this.#error(
        `${this.#provider} is down (${this.#failures} failures in a row, last: ${this.#lastFailure}); not called again in this batch`,
      );
    }
  }

  #error(message: string, status?: number, cause?: unknown): EnrichmentProviderError {
    return new EnrichmentProviderError(message, {
      capability: "threat-intel",
      provider: this.#provider,
      status,
      cause,
      hint: "Check the provider's status and your network; the other providers still answered.",
    });
  }

  async #waitForPause(signal: AbortSignal): Promise<void> {
    const wait = this.#pausedUntil - Date.now();
    if (wait > 0) await sleep(wait, signal);
  }

  async #acquire(signal: AbortSignal): Promise<void> {
    if (this.#active < this.#options.concurrency) {
      this.#active++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      this.#waiting.push(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
    });
    this.#active++;
  }

  #release(): void {
    this.#active--;
    this.#waiting.shift()?.();
  }
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
function retryAfter(value: string | null): number | undefined {
  if (value === null) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
