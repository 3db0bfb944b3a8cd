/**
 * Entities in rows: the forms an account, host or address takes across tables (a UPN, a
 * `DOMAIN\name`, a short host name, an FQDN, an address with a port), whether a row
 * involves one, and the entities a row names (to pivot from next).
 *
 * @module
 */
import { isIP } from "node:net";

/** The entity kinds an investigation follows (an app: an OAuth application's id or name). */
export type InvestigatedKind = "account" | "host" | "ip" | "app";

/** An entity in canonical form. */
export interface EntityRef {
  readonly kind: InvestigatedKind;
  /** As shown (a UPN when one is known, a host's name, an address). */
  readonly value: string;
  /** The form rows are matched on: lower-case short name (account, host) or the address. */
  readonly key: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const SPLIT = /[\s\\/,;:'"()[\]{}|=<>]+/;

/** Values that name no entity (system principals, placeholders, loopback). */
const NOT_ENTITIES = new Set([
  "",
  "-",
  "system",
  "local service",
  "network service",
  "anonymous logon",
  "nt authority",
  "127.0.0.1",
  "::1",
  "0.0.0.0",
  "localhost",
  "unknown",
  "null",
]);

/** The canonical entity of `value` as a `kind`, or undefined when it names none. */
export function entityRef(kind: InvestigatedKind, value: string): EntityRef | undefined {
  const text = value.trim();
  const lower = text.toLowerCase();
  if (NOT_ENTITIES.has(lower)) return undefined;
  switch (kind) {
    case "app": {
      // An application id (a GUID), or a display name of letters, digits and spaces.
      if (GUID.test(lower)) return { kind, value: lower, key: lower };
      const name = lower.replace(/\s+/g, " ");
      if (!/^[a-z][a-z0-9 ._-]{2,79}$/.test(name) || isIP(stripPort(text))) return undefined;
      return { kind, value: text.replace(/\s+/g, " "), key: name };
    }
    case "ip": {
      const ip = stripPort(text);
      return isIP(ip) ? { kind, value: ip, key: ip.toLowerCase() } : undefined;
    }
    case "account": {
      if (lower.startsWith("s-1-") || lower.endsWith("$") || isIP(stripPort(text))) {
        return undefined;
      }
      const short = accountShort(lower);
      if (NOT_ENTITIES.has(short) || !/^[a-z0-9._-]+$/.test(short)) return undefined;
      return { kind, value: lower.includes("@") ? lower : short, key: short };
    }
    case "host": {
      if (isIP(stripPort(text))) return undefined;
      const short = lower.split(".")[0];
      if (NOT_ENTITIES.has(short) || !/^[a-z0-9_-]+$/.test(short)) return undefined;
      return { kind, value: short.toUpperCase(), key: short };
    }
  }
}

function accountShort(lower: string): string {
  const afterDomain = lower.includes("\\") ? lower.slice(lower.lastIndexOf("\\") + 1) : lower;
  return afterDomain.split("@")[0];
}

function stripPort(text: string): string {
  const m = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(text);
  return m ? m[1] : text.replace(/^\[(.*)\](?::\d+)?$/, "$1");
}

/** The identifier tokens of a cell (lower-case), whatever its type (lists are flattened). */
export function cellTokens(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (value === null || value === undefined) return out;
  if (Array.isArray(value)) {
    for (const v of value) cellTokens(v, out);
    return out;
  }
  if (typeof value !== "string") return out;
  // A short cell of several words is also one token: an application's display name.
  const whole = value.trim().toLowerCase().replace(/\s+/g, " ");
  if (whole.includes(" ") && whole.length <= 80) out.add(whole);
  for (const token of value.toLowerCase().split(SPLIT)) if (token) out.add(token);
  return out;
}

/** Whether a row's tokens name `entity`. */
export function tokensInvolve(tokens: ReadonlySet<string>, entity: EntityRef): boolean {
  switch (entity.kind) {
    case "ip":
    case "app":
      return tokens.has(entity.key);
    case "account":
      if (tokens.has(entity.key)) return true;
      for (const t of tokens) if (t.includes("@") && t.split("@")[0] === entity.key) return true;
      return false;
    case "host":
      if (tokens.has(entity.key)) return true;
      for (const t of tokens) {
        if (t.startsWith(entity.key + ".") && !isIP(t)) return true;
      }
      return false;
  }
}

/** Columns that name an entity of a kind, as the library's queries and Sentinel tables call them. */
const ENTITY_COLUMNS: Readonly<Record<InvestigatedKind, ReadonlySet<string>>> = {
  account: new Set(
    [
      "UserPrincipalName",
      "Account",
      "AccountName",
      "AccountUPN",
      "TargetUserName",
      "TargetAccount",
      "TargetUser",
      "UserId",
      "InitiatedByUser",
      "CreatedBy",
      "CreatedAccount",
      "AddedBy",
      "SubjectAccount",
      "SuccessfulAccounts",
      "SudoUser",
      "InitiatingProcessAccountName",
    ].map((c) => c.toLowerCase()),
  ),
  host: new Set(
    ["Computer", "DeviceName", "WorkstationName", "HostName", "Computers"].map((c) =>
      c.toLowerCase()
    ),
  ),
  ip: new Set(
    [
      "IPAddress",
      "IpAddress",
      "ClientIP",
      "ClientAddress",
      "SourceIP",
      "SourceIp",
      "RemoteIP",
      "DestinationIP",
      "IndicatorIP",
      "IPAddresses",
      "LocalIP",
      "ComputerIP",
    ].map((c) => c.toLowerCase()),
  ),
  // The app a consent, a credential change or a mailbox read names; not AppDisplayName, the
  // (mostly Microsoft) app a sign-in was to.
  app: new Set(["AppId", "ClientAppId", "AppName", "OAuthAppId"].map((c) => c.toLowerCase())),
};

/** A list cell naming more entities than this is a population (a spray's targets), not a lead. */
const MAX_LIST = 5;

/** The entities a row names in its entity columns. */
export function rowEntities(row: Readonly<Record<string, unknown>>): EntityRef[] {
  const out: EntityRef[] = [];
  for (const [column, cell] of Object.entries(row)) {
    const lower = column.toLowerCase();
    for (const kind of ["account", "host", "ip", "app"] as const) {
      if (!ENTITY_COLUMNS[kind].has(lower)) continue;
      const values = Array.isArray(cell) ? cell : [cell];
      if (values.length > MAX_LIST) continue;
      for (const v of values) {
        if (typeof v !== "string") continue;
        const ref = entityRef(kind, v);
        if (ref) out.push(ref);
      }
    }
  }
  return out;
}

/** A stable key for an entity: kind and matching form. */
export function entityKey(entity: EntityRef): string {
  return `${entity.kind}:${entity.key}`;
}
