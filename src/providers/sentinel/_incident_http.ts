/**
 * Requests to Azure Resource Manager for Microsoft Sentinel's incidents: a bearer token
 * from the credential (scope `{arm}/.default`), JSON over `node:https` (so
 * `NODE_EXTRA_CA_CERTS` and extra CAs apply as they do to the query provider), 429 retried
 * after its `Retry-After`, and ARM's errors (`{"error":{"code","message"}}`) turned into
 * casefile errors that name the Sentinel role an action needs.
 *
 * @module
 */
import { Agent, request as httpsRequest } from "node:https";
import { rootCertificates } from "node:tls";
import type { TokenCredential } from "@azure/identity";
import { IncidentConflictError, IncidentError, SentinelAuthError } from "./_errors.ts";
import { credentialHint, type SignInKind } from "./_credentials.ts";
import { formatDuration } from "../../duration.ts";

/** The Microsoft.SecurityInsights API version used (the latest stable one documented). */
export const SECURITY_INSIGHTS_API_VERSION = "2024-03-01";

/** What an action needs: read (Reader), incident and comment writes (Responder), the rest (Contributor). */
export type ArmAction = "read" | "respond" | "contribute";

const ROLES: Record<ArmAction, string> = {
  read: "Microsoft Sentinel Reader",
  respond: "Microsoft Sentinel Responder",
  contribute: "Microsoft Sentinel Contributor",
};

/** Settings of {@link ArmHttp}. */
export interface ArmHttpSettings {
  /** The Resource Manager endpoint (`https://management.azure.com`). */
  readonly endpoint: string;
  /** The token audience (the cloud's Resource Manager, also when `endpoint` is a proxy). */
  readonly audience: string;
  readonly credential: TokenCredential;
  /** How the credential signs in, for the hint of a refused token. */
  readonly signIn: SignInKind;
  readonly tenantId?: string;
  /** Extra CA certificates (PEM). */
  readonly caCertificates?: readonly string[];
  /** Retries of 429 (default 3), and the longest single wait in seconds (default 60). */
  readonly retries?: number;
  readonly maxWaitSeconds?: number;
  /** The longest wait for one request's answer, token included, in ms (default 60 s). */
  readonly timeoutMs?: number;
}

/** The default of {@link ArmHttpSettings.timeoutMs}: ARM answers in seconds, so a minute is broken. */
export const ARM_TIMEOUT_MS = 60_000;

const TIMED_OUT = Symbol("ARM request timed out");

/** An answer: status, JSON body. */
export interface ArmAnswer {
  readonly status: number;
  // deno-lint-ignore no-explicit-any
  readonly body: any;
}

/** JSON requests to ARM with a token, retries of throttling and casefile errors. */
export class ArmHttp {
  readonly #settings: ArmHttpSettings;
  readonly #agent?: Agent;

  constructor(settings: ArmHttpSettings) {
    this.#settings = settings;
    if (settings.caCertificates?.length) {
      this.#agent = new Agent({ ca: [...rootCertificates, ...settings.caCertificates] });
    }
  }

  /** The endpoint (no trailing slash). */
  get endpoint(): string {
    return this.#settings.endpoint.replace(/\/+$/, "");
  }

  /**
   * Sends `method` to `pathOrUrl` (a path under the endpoint gets `api-version`; a
   * `nextLink` is used as given, but only on the endpoint's own origin: the bearer token
   * goes nowhere else).
   *
   * @throws {IncidentError} for an error answer, a link to another origin (nothing is sent)
   *   or no answer within `timeoutMs`; {@link IncidentConflictError} for 412;
   *   {@link SentinelAuthError} for 401.
   */
  async send(
    method: string,
    pathOrUrl: string,
    action: ArmAction,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<ArmAnswer> {
    const url = this.#resolve(method, pathOrUrl);
    if (!url.searchParams.has("api-version")) {
      url.searchParams.set("api-version", SECURITY_INSIGHTS_API_VERSION);
    }
    const retries = this.#settings.retries ?? 3;
    for (let attempt = 0;; attempt++) {
      const answer = await this.#once(method, url, body, headers);
      if (answer.status === 429 && attempt < retries) {
        const wait = Math.min(
          answer.retryAfter ?? 2 ** attempt,
          this.#settings.maxWaitSeconds ?? 60,
        );
        await new Promise((resolve) => setTimeout(resolve, wait * 1000));
        continue;
      }
      if (answer.status >= 200 && answer.status < 300) return answer;
      throw this.#error(method, url, action, answer);
    }
  }

  /** The URL of a path under the endpoint, or of an absolute link on the endpoint's origin. */
  #resolve(method: string, pathOrUrl: string): URL {
    const endpoint = new URL(this.endpoint);
    if (!/^[a-z][a-z\d+.-]*:/i.test(pathOrUrl)) return new URL(this.endpoint + pathOrUrl);
    let url: URL;
    try {
      url = new URL(pathOrUrl);
    } catch (error) {
      throw new IncidentError(`Azure Resource Manager gave a link that is not a URL (${method})`, {
        cause: error,
        hint: "A broken answer from the service or a proxy: try again later.",
      });
    }
    if (url.origin !== endpoint.origin) {
      throw new IncidentError(
        `Refused to follow a link to ${url.origin} (${method} ${operationOf(url)}): it is not ` +
          `the Resource Manager endpoint ${endpoint.origin}, and the token is sent only there`,
        {
          hint: "The service or a proxy answered with a foreign nextLink; nothing was sent to " +
            "it. Check the endpoint (CASEFILE_ARM_ENDPOINT) and any proxy in between.",
        },
      );
    }
    return url;
  }

  async #once(
    method: string,
    url: URL,
    body: unknown,
    extra: Record<string, string>,
  ): Promise<ArmAnswer & { retryAfter?: number }> {
    // setTimeout fires at once past 2^31 - 1 ms (24.8 d): a longer timeout waits that long.
    const timeoutMs = Math.min(this.#settings.timeoutMs ?? ARM_TIMEOUT_MS, 2 ** 31 - 1);
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(TIMED_OUT);
        reject(TIMED_OUT);
      }, timeoutMs);
    });
    try {
      const token = await Promise.race([this.#token(), expired]);
      return await Promise.race([
        this.#request(method, url, body, extra, token, controller.signal),
        expired,
      ]);
    } catch (error) {
      if (error !== TIMED_OUT) throw error;
      throw new IncidentError(
        `No answer from Azure Resource Manager within ${formatDuration(timeoutMs)} ` +
          `(${method} ${operationOf(url)})`,
        {
          hint: "The service, the network or a proxy is not answering: try again, or give a " +
            "larger timeoutMs.",
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }

  async #token(): Promise<string> {
    try {
      const got = await this.#settings.credential.getToken(
        `${this.#settings.audience}/.default`,
      );
      if (!got) throw new Error("the credential gave no token");
      return got.token;
    } catch (error) {
      throw new SentinelAuthError(
        `Could not get a token for Azure Resource Manager: ${(error as Error).message}`,
        "sentinel-incidents",
        { cause: error, hint: this.#authHint() },
      );
    }
  }

  #request(
    method: string,
    url: URL,
    body: unknown,
    extra: Record<string, string>,
    token: string,
    signal: AbortSignal,
  ): Promise<ArmAnswer & { retryAfter?: number }> {
    const text = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(url, {
        method,
        ...(this.#agent ? { agent: this.#agent } : {}),
        headers: {
          authorization: `Bearer ${token}`,
          accept: "application/json",
          ...(text === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(text) }),
          ...extra,
        },
      }, (res) => {
        const chunks: Uint8Array[] = [];
        res.on("data", (c: Uint8Array) => chunks.push(c));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown = undefined;
          try {
            parsed = raw ? JSON.parse(raw) : undefined;
          } catch {
            parsed = raw;
          }
          const after = Number(res.headers["retry-after"]);
          resolve({
            status: res.statusCode ?? 0,
            body: parsed,
            ...(Number.isFinite(after) && res.headers["retry-after"] !== undefined
              ? { retryAfter: after }
              : {}),
          });
        });
        res.on("error", reject);
      });
      // The deadline's promise has already rejected; this frees the socket.
      signal.addEventListener("abort", () => req.destroy(), { once: true });
      req.on("error", (error) =>
        reject(
          new IncidentError(
            `Could not reach Azure Resource Manager at ${url.origin}: ${error.message}`,
            {
              cause: error,
              hint: "Check the network, a proxy, and the endpoint (CASEFILE_ARM_ENDPOINT).",
            },
          ),
        ));
      if (text !== undefined) req.write(text);
      req.end();
    });
  }

  #authHint(): string {
    const { signIn, tenantId } = this.#settings;
    return signIn === "token"
      ? "The token in CASEFILE_ARM_TOKEN was refused or has expired: get a new one with " +
        "`az account get-access-token --resource https://management.azure.com " +
        "--query accessToken -o tsv`."
      : credentialHint(signIn, tenantId, this.#settings.audience);
  }

  #error(method: string, url: URL, action: ArmAction, answer: ArmAnswer): Error {
    const { code, message } = (answer.body?.error ?? {}) as { code?: string; message?: string };
    const what = `${method} ${operationOf(url)}`;
    const said = message ?? `HTTP ${answer.status}`;
    const options = { status: answer.status, code };
    switch (answer.status) {
      case 401:
        return new SentinelAuthError(
          `Azure Resource Manager refused the token (${what}): ${said}`,
          "sentinel-incidents",
          { ...options, hint: this.#authHint() },
        );
      case 403:
        return new IncidentError(
          `Not allowed to ${what}: this needs the ${ROLES[action]} role. ${said}`,
          {
            ...options,
            role: ROLES[action],
            hint: `Ask an owner of the workspace to grant you ${ROLES[action]} on it (or its ` +
              "resource group), then sign in again.",
          },
        );
      case 404:
        return new IncidentError(`Not found (${what}): ${said}`, {
          ...options,
          hint: "Check the incident id (its name, a GUID, as `.incident list` shows it) and " +
            "--workspace-resource /subscriptions/.../workspaces/<name>.",
        });
      case 412:
        return new IncidentConflictError(
          `The incident was changed by someone else since it was opened (${what}): nothing ` +
            "was overwritten",
          { code, hint: "Open the incident again to see the change, then write again." },
        );
      case 429:
        return new IncidentError(`Azure Resource Manager is throttling requests (${what})`, {
          ...options,
          hint: "Wait a minute and try again.",
        });
      default:
        return new IncidentError(`Azure Resource Manager could not ${what}: ${said}`, {
          ...options,
          hint: answer.status >= 500
            ? "A service error: try again in a while."
            : "Check the values sent; the message above says which one is wrong.",
        });
    }
  }
}

/** The path of a request under the workspace's Microsoft.SecurityInsights (`/incidents/{id}`). */
function operationOf(url: URL): string {
  return url.pathname.replace(/^.*\/providers\/Microsoft\.SecurityInsights/i, "");
}

/** Resource Manager of each cloud: its endpoint, which is also the token audience. */
export const ARM_ENDPOINTS = {
  public: "https://management.azure.com",
  usgov: "https://management.usgovcloudapi.net",
  china: "https://management.chinacloudapi.cn",
} as const;
