/**
 * The loopback ARM service itself: HTTPS, bearer-token check, the caller's Sentinel role,
 * routing of the Microsoft.SecurityInsights routes, faults, and answers in ARM's shapes.
 * TLS material and the Entra ID tenant are the Log Analytics twin's (white-box imports: one
 * copy of each).
 *
 * @module
 */
import { DEMO_CASE_DIR } from "../../../src/providers/mod.ts";
import { EntraService } from "../log_analytics/_entra.ts";
import { serveLoopback } from "../log_analytics/_loopback.ts";
import type { RecordedRequest } from "../log_analytics/mod.ts";
import { type ArmResource, type SeededIncident, seedIncidents } from "./_seed.ts";
import type { ArmFault, ArmService, ArmServiceOptions, SentinelRole } from "./_types.ts";

const JSON_TYPE = "application/json; charset=utf-8";
const RANK: Record<SentinelRole, number> = { none: 0, reader: 1, responder: 2, contributor: 3 };

/** Starts the service (see mod.ts for the contract). */
export async function startService(
  options: ArmServiceOptions,
  workspace: string,
): Promise<ArmService> {
  const incidents = await seedIncidents(options.data ?? DEMO_CASE_DIR, workspace);
  const entra = options.entra
    ? await EntraService.create({
      resources: ["https://management.azure.com"],
      ...(options.entra === true ? {} : options.entra),
    })
    : undefined;
  const state = new State(workspace, incidents, options.token ?? `arm-${crypto.randomUUID()}`);
  state.entra = entra;
  state.role = options.role ?? "contributor";
  state.pageSize = options.pageSize ?? 50;
  state.nextLinkOrigin = options.nextLinkOrigin;
  const server = await serveLoopback({
    caPrefix: "casefile-arm-ca-",
    port: options.port,
    entra,
    handler: (request) => state.handle(request),
  });
  return {
    ...server,
    token: state.token,
    workspaceResourceId: workspace,
    setRole: (role) => void (state.role = role),
    inject: (fault, match) =>
      state.faults.push({ fault, match: match ?? {}, left: fault.times ?? 1 }),
    clearFaults: () => void state.faults.splice(0),
    incident: (id) => state.incidents.get(id)?.incident,
    comments: (id) => state.incidents.get(id)?.comments ?? [],
    bookmarks: () => [...state.bookmarks.values()],
    watchlists: () => [...state.watchlists.values()],
    watchlistItems: (alias) => state.items.get(alias.toLowerCase()) ?? [],
    indicators: () => [...state.indicators],
    requests: state.requests,
  };
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

interface QueuedFault {
  fault: ArmFault;
  match: { method?: string; pathIncludes?: string };
  left: number;
  passed?: number;
}

class State {
  entra?: EntraService;
  role: SentinelRole = "contributor";
  pageSize = 50;
  nextLinkOrigin?: string;
  readonly faults: QueuedFault[] = [];
  readonly requests: RecordedRequest[] = [];
  readonly bookmarks = new Map<string, ArmResource>();
  readonly watchlists = new Map<string, ArmResource>();
  readonly items = new Map<string, ArmResource[]>();
  readonly indicators: ArmResource[] = [];

  constructor(
    readonly workspace: string,
    readonly incidents: Map<string, SeededIncident>,
    readonly token: string,
  ) {}

  async handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const text = request.method === "GET" ? "" : await request.text();
    if (this.entra?.owns(url.pathname)) return await this.entra.handle(request, url, text);
    const record = {
      method: request.method,
      path: url.pathname + url.search,
      headers: Object.fromEntries(
        [...request.headers].map(([k, v]) => [k, k === "authorization" ? "Bearer <redacted>" : v]),
      ),
      body: text ? JSON.parse(text) : undefined,
      status: 0,
    };
    this.requests.push(record);
    let answer: Answer;
    try {
      answer = await this.#answer(request, url, record.body);
    } catch (error) {
      answer = fail(500, "InternalServerError", String(error));
    }
    record.status = answer.status;
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "content-type": JSON_TYPE, ...answer.headers },
    });
  }

  async #answer(request: Request, url: URL, body: unknown): Promise<Answer> {
    const header = request.headers.get("authorization") ?? "";
    const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    const valid = token === this.token ||
      (token !== undefined && await this.entra?.checkAccessToken(token) === "valid");
    if (!valid) {
      return {
        ...fail(
          401,
          token ? "InvalidAuthenticationToken" : "AuthenticationFailed",
          token
            ? "The access token is invalid."
            : "Authentication failed. The 'Authorization' header is missing.",
        ),
        headers: {
          "www-authenticate": 'Bearer authorization_uri="https://login.microsoftonline.com/"',
        },
      };
    }
    const fault = this.#fault(request.method, url.pathname);
    if (fault) return fault;
    if (!url.searchParams.get("api-version")) {
      return fail(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    const prefix = `${this.workspace}/providers/Microsoft.SecurityInsights/`.toLowerCase();
    const path = url.pathname;
    if (!path.toLowerCase().startsWith(prefix)) {
      return fail(404, "ResourceNotFound", `The Resource '${path}' was not found.`);
    }
    const parts = path.slice(prefix.length).split("/").filter(Boolean);
    const [collection, id, sub, subId] = parts;
    const method = request.method;
    const need = (action: string, role: SentinelRole) => this.#authorize(action, role, path);
    switch (collection?.toLowerCase()) {
      case "incidents": {
        if (!id) {
          return need("incidents/read", "reader") ??
            this.#listIncidents(url);
        }
        const seeded = this.#incident(id);
        if (!seeded) {
          return need("incidents/read", "reader") ??
            fail(404, "NotFound", `Incident '${id}' was not found in the workspace.`);
        }
        if (!sub) {
          if (method === "GET") return need("incidents/read", "reader") ?? ok(seeded.incident);
          if (method === "PUT") {
            return need("incidents/write", "responder") ?? this.#putIncident(seeded, request, body);
          }
        }
        if (sub === "alerts" && method === "POST") {
          return need("incidents/read", "reader") ?? ok({ value: seeded.alerts });
        }
        if (sub === "entities" && method === "POST") {
          const counts = new Map<string, number>();
          for (const e of seeded.entities) counts.set(e.kind!, (counts.get(e.kind!) ?? 0) + 1);
          return need("incidents/read", "reader") ?? ok({
            entities: seeded.entities,
            metaData: [...counts].map(([entityKind, count]) => ({ entityKind, count })),
          });
        }
        if (sub === "comments" && !subId && method === "GET") {
          return need("incidents/comments/read", "reader") ?? ok({ value: seeded.comments });
        }
        if (sub === "comments" && subId && method === "PUT") {
          return need("incidents/comments/write", "responder") ??
            this.#putComment(seeded, subId, body);
        }
        break;
      }
      case "bookmarks": {
        if (!id && method === "GET") {
          return need("bookmarks/read", "reader") ?? ok({ value: [...this.bookmarks.values()] });
        }
        if (id && method === "PUT") {
          return need("bookmarks/write", "contributor") ?? this.#putBookmark(path, id, body);
        }
        if (id && method === "GET") {
          const b = this.bookmarks.get(id.toLowerCase());
          return need("bookmarks/read", "reader") ??
            (b ? ok(b) : fail(404, "NotFound", `Bookmark '${id}' was not found.`));
        }
        break;
      }
      case "threatintelligence": {
        // threatIntelligence/main/{createIndicator | queryIndicators | indicators}
        const verb = sub?.toLowerCase();
        if (id?.toLowerCase() === "main" && verb === "createindicator" && method === "POST") {
          return need("threatIntelligence/indicators/write", "contributor") ??
            this.#createIndicator(path, body);
        }
        if (id?.toLowerCase() === "main" && verb === "queryindicators" && method === "POST") {
          return need("threatIntelligence/indicators/query/action", "reader") ??
            this.#queryIndicators(url, body);
        }
        if (id?.toLowerCase() === "main" && verb === "indicators" && method === "GET") {
          return need("threatIntelligence/indicators/read", "reader") ??
            ok({ value: this.indicators });
        }
        break;
      }
      case "watchlists": {
        if (id && !sub && method === "PUT") {
          return need("watchlists/write", "contributor") ?? this.#putWatchlist(path, id, body);
        }
        if (id && sub === "watchlistItems" && subId && method === "PUT") {
          if (!this.watchlists.has(id.toLowerCase())) {
            return fail(404, "NotFound", `Watchlist '${id}' was not found.`);
          }
          return need("watchlists/write", "contributor") ??
            this.#putItem(path, id, subId, body);
        }
        break;
      }
    }
    return fail(404, "NotFound", `No route for ${method} ${path}`);
  }

  #incident(id: string): SeededIncident | undefined {
    return this.incidents.get(id) ??
      [...this.incidents.values()].find((s) => s.incident.name.toLowerCase() === id.toLowerCase());
  }

  #fault(method: string, path: string): Answer | undefined {
    const i = this.faults.findIndex((q) =>
      (!q.match.method || q.match.method.toUpperCase() === method) &&
      (!q.match.pathIncludes || path.includes(q.match.pathIncludes))
    );
    if (i < 0) return undefined;
    const q = this.faults[i];
    // `after`: that many matching requests go through first.
    if ((q.passed ?? 0) < (q.fault.after ?? 0)) {
      q.passed = (q.passed ?? 0) + 1;
      return undefined;
    }
    if (--q.left <= 0) this.faults.splice(i, 1);
    const f = q.fault;
    const answer = fail(
      f.status,
      f.code ?? (f.status === 429 ? "TooManyRequests" : "InjectedFault"),
      f.message ?? (f.status === 429 ? "Too many requests, retry later." : "Injected fault."),
    );
    if (f.retryAfterSeconds !== undefined) {
      answer.headers = { "retry-after": String(f.retryAfterSeconds) };
    }
    return answer;
  }

  #authorize(action: string, role: SentinelRole, scope: string): Answer | undefined {
    if (RANK[this.role] >= RANK[role]) return undefined;
    return fail(
      403,
      "AuthorizationFailed",
      "The client 'analyst@larkspurlogistics.example' with object id " +
        "'4f0b3c2a-1d5e-4a6b-9c7d-8e9f0a1b2c3d' does not have authorization to perform action " +
        `'Microsoft.SecurityInsights/${action}' over scope '${scope}' or the scope is invalid. ` +
        "If access was recently granted, please refresh your credentials.",
    );
  }

  #listIncidents(url: URL): Answer {
    let list = [...this.incidents.values()].map((s) => s.incident);
    for (const clause of (url.searchParams.get("$filter") ?? "").split(/\s+and\s+/i)) {
      const m = /^\s*properties\/(\w+)\s+(eq|ne|ge|gt|le|lt)\s+(?:'([^']*)'|(\S+))\s*$/i
        .exec(clause);
      if (!clause.trim()) continue;
      if (!m) return fail(400, "BadRequest", `Invalid $filter clause: ${clause}`);
      const [, field, op, quoted, bare] = m;
      const want = quoted ?? bare;
      list = list.filter((i) => compare(i.properties[field], op.toLowerCase(), want));
    }
    const order = url.searchParams.get("$orderby") ?? "properties/createdTimeUtc desc";
    const om = /^properties\/(\w+)(?:\s+(asc|desc))?$/i.exec(order.trim());
    if (!om) return fail(400, "BadRequest", `Invalid $orderby: ${order}`);
    const sign = om[2]?.toLowerCase() === "desc" ? -1 : 1;
    list.sort((a, b) =>
      sign * String(a.properties[om[1]]).localeCompare(String(b.properties[om[1]]))
    );
    const top = Math.min(Number(url.searchParams.get("$top") ?? 50), this.pageSize);
    const skip = Number(url.searchParams.get("$skipToken") ?? 0);
    const page = list.slice(skip, skip + top);
    const body: Record<string, unknown> = { value: page };
    if (skip + top < list.length) {
      const next = new URL(url.pathname + url.search, this.nextLinkOrigin ?? url.origin);
      next.searchParams.set("$skipToken", String(skip + top));
      body.nextLink = next.toString();
    }
    return ok(body);
  }

  #putIncident(seeded: SeededIncident, request: Request, body: unknown): Answer {
    const b = body as { etag?: string; properties?: Record<string, unknown> } | undefined;
    const etag = request.headers.get("if-match") ?? b?.etag;
    if (etag && etag !== seeded.incident.etag) {
      return fail(
        412,
        "PreconditionFailed",
        "The incident was changed since it was read (etag mismatch).",
      );
    }
    const p = b?.properties ?? {};
    for (const field of ["title", "severity", "status"]) {
      if (typeof p[field] !== "string") {
        return fail(400, "BadRequest", `properties.${field} is required.`);
      }
    }
    if (p.status === "Closed" && !p.classification) {
      return fail(400, "BadRequest", "Closing an incident requires a classification.");
    }
    seeded.incident = {
      ...seeded.incident,
      etag: `"${crypto.randomUUID()}"`,
      properties: {
        ...seeded.incident.properties,
        ...p,
        lastModifiedTimeUtc: new Date().toISOString(),
      },
    };
    return ok(seeded.incident);
  }

  #putComment(seeded: SeededIncident, id: string, body: unknown): Answer {
    const message = (body as { properties?: { message?: unknown } })?.properties?.message;
    if (typeof message !== "string" || message === "") {
      return fail(400, "BadRequest", "properties.message is required.");
    }
    if (message.length > 30_000) {
      return fail(400, "BadRequest", "A comment is limited to 30,000 characters.");
    }
    const comment: ArmResource = {
      id: `${seeded.incident.id}/Comments/${id}`,
      name: id,
      type: "Microsoft.SecurityInsights/Incidents/Comments",
      etag: `"${crypto.randomUUID()}"`,
      properties: { message, createdTimeUtc: new Date().toISOString() },
    };
    const at = seeded.comments.findIndex((c) => c.name === id);
    const created = at < 0;
    if (created) seeded.comments.push(comment);
    else seeded.comments[at] = comment;
    return { status: created ? 201 : 200, body: comment };
  }

  #putBookmark(path: string, id: string, body: unknown): Answer {
    const p = (body as { properties?: Record<string, unknown> })?.properties ?? {};
    if (typeof p.displayName !== "string" || typeof p.query !== "string") {
      return fail(400, "BadRequest", "properties.displayName and properties.query are required.");
    }
    const created = !this.bookmarks.has(id.toLowerCase());
    const bookmark: ArmResource = {
      id: path,
      name: id,
      type: "Microsoft.SecurityInsights/Bookmarks",
      etag: `"${crypto.randomUUID()}"`,
      properties: { ...p, created: new Date().toISOString() },
    };
    this.bookmarks.set(id.toLowerCase(), bookmark);
    return { status: created ? 201 : 200, body: bookmark };
  }

  /** As the service checks a createIndicator body: kind, source, STIX pattern, validFrom. */
  #createIndicator(path: string, body: unknown): Answer {
    const b = body as { kind?: unknown; properties?: Record<string, unknown> } | undefined;
    if (b?.kind !== "indicator") return fail(400, "BadRequest", "kind must be 'indicator'.");
    const p = b.properties ?? {};
    for (const field of ["source", "pattern", "patternType", "validFrom", "displayName"]) {
      if (typeof p[field] !== "string" || p[field] === "") {
        return fail(400, "BadRequest", `properties.${field} is required.`);
      }
    }
    if (!/^\[[a-z0-9-]+:[^\]]+ = '.*'\]$/s.test(String(p.pattern))) {
      return fail(400, "BadRequest", `Invalid STIX pattern: ${p.pattern}`);
    }
    if (Number.isNaN(Date.parse(String(p.validFrom)))) {
      return fail(400, "BadRequest", "properties.validFrom is not a date.");
    }
    const c = p.confidence;
    if (c !== undefined && !(typeof c === "number" && Number.isInteger(c) && c >= 0 && c <= 100)) {
      return fail(400, "BadRequest", "properties.confidence must be an integer from 0 to 100.");
    }
    const name = crypto.randomUUID();
    const now = new Date().toISOString();
    const indicator: ArmResource = {
      id: `${path.replace(/\/main\/createIndicator$/i, "")}/indicators/${name}`,
      name,
      type: "Microsoft.SecurityInsights/threatIntelligence",
      kind: "indicator",
      etag: `"${crypto.randomUUID()}"`,
      properties: { ...p, created: now, lastUpdatedTimeUtc: now, friendlyName: p.displayName },
    } as ArmResource;
    this.indicators.push(indicator);
    return { status: 200, body: indicator };
  }

  /** `queryIndicators`: by `sources` and `patternTypes`, `pageSize` per page, then a nextLink. */
  #queryIndicators(url: URL, body: unknown): Answer {
    const q = (body ?? {}) as {
      sources?: string[];
      patternTypes?: string[];
      pageSize?: number;
      skipToken?: string;
    };
    const matching = this.indicators.filter((i) => {
      const p = i.properties as Record<string, unknown>;
      return (!q.sources?.length || q.sources.includes(String(p.source))) &&
        (!q.patternTypes?.length || q.patternTypes.includes(String(p.patternType)));
    });
    const size = Math.min(q.pageSize ?? 100, this.pageSize);
    const from = Number(url.searchParams.get("$skipToken") ?? q.skipToken ?? 0);
    const page = matching.slice(from, from + size);
    const next = new URL(url);
    next.searchParams.set("$skipToken", String(from + size));
    if (this.nextLinkOrigin) next.href = this.nextLinkOrigin + next.pathname + next.search;
    return ok({
      value: page,
      ...(from + size < matching.length ? { nextLink: next.href } : {}),
    });
  }

  #putWatchlist(path: string, alias: string, body: unknown): Answer {
    const p = (body as { properties?: Record<string, unknown> })?.properties ?? {};
    for (const field of ["displayName", "provider", "itemsSearchKey"]) {
      if (typeof p[field] !== "string") {
        return fail(400, "BadRequest", `properties.${field} is required.`);
      }
    }
    const created = !this.watchlists.has(alias.toLowerCase());
    const watchlist: ArmResource = {
      id: path,
      name: alias,
      type: "Microsoft.SecurityInsights/Watchlists",
      etag: `"${crypto.randomUUID()}"`,
      properties: { ...p, watchlistAlias: alias },
    };
    this.watchlists.set(alias.toLowerCase(), watchlist);
    if (created) this.items.set(alias.toLowerCase(), []);
    return { status: created ? 201 : 200, body: watchlist };
  }

  #putItem(path: string, alias: string, id: string, body: unknown): Answer {
    const p = (body as { properties?: Record<string, unknown> })?.properties ?? {};
    if (typeof p.itemsKeyValue !== "object" || p.itemsKeyValue === null) {
      return fail(400, "BadRequest", "properties.itemsKeyValue is required.");
    }
    const items = this.items.get(alias.toLowerCase())!;
    const item: ArmResource = {
      id: path,
      name: id,
      type: "Microsoft.SecurityInsights/Watchlists/WatchlistItems",
      etag: `"${crypto.randomUUID()}"`,
      properties: { ...p, watchlistItemId: id },
    };
    const at = items.findIndex((i) => i.name === id);
    if (at < 0) items.push(item);
    else items[at] = item;
    return { status: at < 0 ? 201 : 200, body: item };
  }
}

function compare(value: unknown, op: string, want: string): boolean {
  const a = String(value ?? ""), b = want;
  const c = /^\d{4}-\d\d-\d\dT/.test(b)
    ? Date.parse(a) - Date.parse(b)
    : a.toLowerCase().localeCompare(b.toLowerCase());
  switch (op) {
    case "eq":
      return c === 0;
    case "ne":
      return c !== 0;
    case "ge":
      return c >= 0;
    case "gt":
      return c > 0;
    case "le":
      return c <= 0;
    case "lt":
      return c < 0;
  }
  return false;
}

function ok(body: unknown): Answer {
  return { status: 200, body };
}

function fail(status: number, code: string, message: string): Answer {
  return { status, body: { error: { code, message } } };
}
