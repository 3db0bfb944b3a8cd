/**
 * Loopback stand-ins for the online enrichment providers (VirusTotal v3, AbuseIPDB v2,
 * AlienVault OTX, GreyNoise Community v3, and RDAP registries with their IANA bootstrap
 * files), each on its own 127.0.0.1 port, answering in the real APIs' shapes, checking
 * the API key header, with injectable faults: 429 with Retry-After, 5xx, hanging
 * (timeouts), and going down mid-batch. Tests point the providers' base URLs here.
 *
 * @module
 */
import {
  abuseCheck,
  abuseError,
  greyNoiseCommunity,
  KNOWN,
  otxGeneral,
  vtError,
  vtObject,
} from "./_shapes.ts";
import { rdapRoute } from "./_rdap.ts";

/** The services. */
export type ServiceName = "virustotal" | "abuseipdb" | "otx" | "greynoise" | "rdap";

/** A fault the next request to a service gets. */
export type Fault =
  | { readonly kind: "429"; readonly retryAfterSeconds?: number }
  | { readonly kind: "500" }
  | { readonly kind: "hang" }
  | { readonly kind: "down" };

/** One request a service received (the key header's presence, never its value). */
export interface RecordedRequest {
  readonly service: ServiceName;
  readonly path: string;
  readonly hadKey: boolean;
}

/** Options of {@link startEnrichServices}. */
export interface EnrichServicesOptions {
  /** The API key the services accept (default "test-key"). */
  readonly apiKey?: string;
}

/** The running services. */
export interface EnrichServices {
  /** Base URLs to give the providers (`baseUrl`). */
  readonly urls: Readonly<Record<ServiceName, string>>;
  /** The key the services accept. */
  readonly apiKey: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Queues faults for a service's next requests (in order). */
  fault(service: ServiceName, ...faults: Fault[]): void;
  /** Takes a service down after it has answered `n` more requests (then connections are refused). */
  downAfter(service: ServiceName, n: number): void;
  /** Stops every service. */
  close(): Promise<void>;
}

/** Starts the services on 127.0.0.1, one port each. */
export function startEnrichServices(
  options: EnrichServicesOptions = {},
): Promise<EnrichServices> {
  const apiKey = options.apiKey ?? "test-key";
  const requests: RecordedRequest[] = [];
  const faults = new Map<ServiceName, Fault[]>();
  const budget = new Map<ServiceName, number>();
  const closing = new AbortController();
  const servers = new Map<ServiceName, Deno.HttpServer>();
  const urls = {} as Record<ServiceName, string>;
  // A port nothing listens on: the bootstrap's unreachable registry.
  const probe = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = (probe.addr as Deno.NetAddr).port;
  probe.close();
  const names: ServiceName[] = ["virustotal", "abuseipdb", "otx", "greynoise", "rdap"];

  const stop = async (name: ServiceName) => {
    const server = servers.get(name);
    if (!server) return;
    servers.delete(name);
    await server.shutdown();
  };

  for (const name of names) {
    const handler = async (request: Request): Promise<Response> => {
      const url = new URL(request.url);
      const hadKey = keyOf(name, request) !== null;
      requests.push({ service: name, path: url.pathname + url.search, hadKey });
      const left = budget.get(name);
      if (left !== undefined) {
        if (left <= 0) {
          setTimeout(() => stop(name), 0);
          return json(503, { message: "Service Unavailable" });
        }
        budget.set(name, left - 1);
        if (left - 1 === 0) setTimeout(() => stop(name), 0);
      }
      const fault = faults.get(name)?.shift();
      if (fault) {
        switch (fault.kind) {
          case "429":
            return json(429, rateLimitBody(name), {
              "retry-after": String(fault.retryAfterSeconds ?? 1),
              ...(name === "abuseipdb"
                ? { "x-ratelimit-limit": "1000", "x-ratelimit-remaining": "0" }
                : {}),
            });
          case "500":
            return json(
              500,
              name === "virustotal"
                ? vtError("TransientError", "Please retry later")
                : { message: "Internal Server Error" },
            );
          case "hang":
            await new Promise<void>((resolve) => {
              request.signal.addEventListener("abort", () => resolve(), { once: true });
              closing.signal.addEventListener("abort", () => resolve(), { once: true });
            });
            return json(504, { message: "gateway timeout" });
          case "down":
            // The service goes away: this request gets a 503, later ones are refused.
            setTimeout(() => stop(name), 0);
            return json(503, { message: "Service Unavailable" });
        }
      }
      if (name !== "rdap" && keyOf(name, request) !== apiKey) return unauthorised(name);
      return route(name, url, urls.rdap, deadPort);
    };
    const server = Deno.serve({
      hostname: "127.0.0.1",
      port: 0,
      onListen: () => {},
    }, handler);
    servers.set(name, server);
    const { port } = server.addr as Deno.NetAddr;
    urls[name] = `http://127.0.0.1:${port}${basePath(name)}`;
  }

  return Promise.resolve({
    urls,
    apiKey,
    requests,
    fault(service, ...list) {
      faults.set(service, [...(faults.get(service) ?? []), ...list]);
    },
    downAfter(service, n) {
      budget.set(service, n);
    },
    async close() {
      closing.abort();
      await Promise.all([...servers.keys()].map((n) => stop(n)));
    },
  });
}

function basePath(name: ServiceName): string {
  switch (name) {
    case "virustotal":
      return "/api/v3";
    case "abuseipdb":
      return "/api/v2";
    case "otx":
      return "/api/v1";
    case "greynoise":
      return "/v3";
    case "rdap":
      return "";
  }
}

function keyOf(name: ServiceName, request: Request): string | null {
  const header = {
    virustotal: "x-apikey",
    abuseipdb: "key",
    otx: "x-otx-api-key",
    greynoise: "key",
    rdap: "",
  }[name];
  return header ? request.headers.get(header) : null;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function rateLimitBody(name: ServiceName): unknown {
  switch (name) {
    case "virustotal":
      return vtError("QuotaExceededError", "Quota exceeded");
    case "abuseipdb":
      return abuseError(
        429,
        "Daily rate limit of 1000 requests exceeded for this endpoint. See headers for additional details.",
      );
    case "greynoise":
      return {
        plan: "community",
        "rate-limit": "50-lookups/week",
        plan_url: "https://greynoise.io/pricing",
        message: "You have hit your weekly rate limit of 50 requests per week.",
      };
    default:
      return { detail: "Request was throttled." };
  }
}

function unauthorised(name: ServiceName): Response {
  switch (name) {
    case "virustotal":
      return json(401, vtError("WrongCredentialsError", "Wrong API key"));
    case "abuseipdb":
      return json(
        401,
        abuseError(
          401,
          "Authentication failed. Your API key is either missing, incorrect, or revoked. Note: The APIv2 key differs from the APIv1 key.",
        ),
      );
    case "otx":
      return json(403, { detail: "Authentication credentials were not provided." });
    default:
      return json(401, { message: "Unauthorized" });
  }
}

const VT_COLLECTIONS: Record<string, string> = {
  ip_addresses: "ip_address",
  domains: "domain",
  urls: "url",
  files: "file",
};

function route(name: ServiceName, url: URL, rdapBase: string, deadPort: number): Response {
  const path = decodeURIComponent(url.pathname);
  switch (name) {
    case "virustotal": {
      const m = /^\/api\/v3\/(ip_addresses|domains|urls|files)\/([^/]+)$/.exec(path);
      if (!m) return json(404, vtError("NotFoundError", `Resource not found`));
      const id = m[1] === "urls" ? atobUrl(m[2]) : m[2];
      const k = KNOWN[id];
      if (!k) return json(404, vtError("NotFoundError", `Resource "${m[2]}" not found`));
      return json(200, vtObject(VT_COLLECTIONS[m[1]], m[2], k));
    }
    case "abuseipdb": {
      if (path !== "/api/v2/check") return json(404, abuseError(404, "Not found"));
      const ip = url.searchParams.get("ipAddress") ?? "";
      if (!/^[0-9.]+$|^[0-9a-f:]+$/i.test(ip)) {
        return json(
          422,
          abuseError(
            422,
            "The ip address must be a valid IPv4 or IPv6 address (e.g. 8.8.8.8 or 2001:4860:4860::8888).",
          ),
        );
      }
      return json(200, abuseCheck(ip, KNOWN[ip]));
    }
    case "otx": {
      const m = /^\/api\/v1\/indicators\/(IPv4|IPv6|domain|hostname|url|file)\/(.+)\/general$/.exec(
        path,
      );
      if (!m) return json(404, { detail: "Not found." });
      return json(200, otxGeneral(m[2], m[1], KNOWN[m[2]]));
    }
    case "greynoise": {
      const m = /^\/v3\/community\/(.+)$/.exec(path);
      if (!m) return json(404, { message: "Not found" });
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(m[1])) {
        return json(400, { message: "Request is not a valid routable IPv4 address" });
      }
      const answer = greyNoiseCommunity(m[1], KNOWN[m[1]]);
      return json(answer.status, answer.body);
    }
    case "rdap": {
      const answer = rdapRoute(path, rdapBase, deadPort);
      const headers: Record<string, string> = { "content-type": "application/rdap+json" };
      if (answer.status === 301) headers.location = (answer.body as { location: string }).location;
      return json(answer.status, answer.body, headers);
    }
  }
}

function atobUrl(id: string): string {
  try {
    return new TextDecoder().decode(
      Uint8Array.from(atob(id.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0)),
    );
  } catch {
    return id;
  }
}
