/**
 * Pseudonyms for identifying values: an HMAC-SHA-256 of the value under a per-session key
 * decides each token, so the same input gives the same token within a session and nothing
 * links tokens across sessions. Tokens keep the shape of what they replace (an IPv4 stays
 * an IPv4, private stays private, a SID keeps its authority and well-known RIDs) so masked
 * data still parses and joins.
 *
 * @module
 */
import { createHmac, randomBytes } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";

/** What a value is, for masking. */
export type MaskKind = "account" | "domain" | "host" | "ip" | "email" | "sid";

const KEEP = new Set([
  "",
  "-",
  "system",
  "local service",
  "network service",
  "anonymous logon",
  "nt authority",
  "builtin",
  "workgroup",
  "window manager",
  "font driver host",
  "localhost",
  "root",
  "admin",
  "administrator",
  "guest",
  "n/a",
  "unknown",
]);
const KEEP_IPS = new Set(["127.0.0.1", "0.0.0.0", "::1", "::", "255.255.255.255"]);

/** Whether `value` is a well-known, non-identifying value of `kind` that stays as it is. */
export function isWellKnown(kind: MaskKind, value: string): boolean {
  const v = value.trim().toLowerCase();
  if (KEEP.has(v) || /^(dwm|umfd)-\d+$/.test(v)) return true;
  if (kind === "ip") return KEEP_IPS.has(v);
  if (kind === "sid") return !/^s-1-5-21-/.test(v);
  return false;
}

/** The token machine of one masking session. */
export class Tokens {
  readonly #key: Uint8Array;
  /** Original (normalised) → token, per kind. */
  readonly #forward = new Map<string, string>();
  /** Tokens given out, to keep them unique and to tell them from originals later. */
  readonly #issued = new Set<string>();
  /** Every original replaced, by kind: what the leak check looks for. */
  readonly originals: Map<MaskKind, Set<string>> = new Map();

  constructor(key?: Uint8Array | string) {
    this.#key = typeof key === "string"
      ? new TextEncoder().encode(key)
      : key ?? new Uint8Array(randomBytes(32));
  }

  /** Whether `token` was issued by this session. */
  issued(token: string): boolean {
    return this.#issued.has(token.toLowerCase());
  }

  #digest(kind: string, value: string, round: number): Uint8Array {
    return new Uint8Array(
      createHmac("sha256", this.#key).update(`${kind}\u0000${round}\u0000${value}`).digest(),
    );
  }

  #hex(kind: string, value: string, round: number, chars: number): string {
    return Array.from(
      this.#digest(kind, value, round).subarray(0, Math.ceil(chars / 2)),
      (b) => b.toString(16).padStart(2, "0"),
    ).join("").slice(0, chars);
  }

  /** The token for `value` of `kind`; well-known values come back unchanged. */
  token(kind: MaskKind, value: string): string {
    if (isWellKnown(kind, value)) return value;
    const normal = value.trim().toLowerCase();
    const id = `${kind}\u0000${normal}`;
    const known = this.#forward.get(id);
    if (known !== undefined) return known;
    let token = "";
    for (let round = 0; round < 1000; round++) {
      token = this.#make(kind, normal, round);
      if (!this.#issued.has(token.toLowerCase())) break;
    }
    this.#forward.set(id, token);
    this.#issued.add(token.toLowerCase());
    let set = this.originals.get(kind);
    if (!set) this.originals.set(kind, set = new Set());
    set.add(normal);
    return token;
  }

  #make(kind: MaskKind, value: string, round: number): string {
    switch (kind) {
      case "account":
        return `user-${this.#hex(kind, value, round, 8)}`;
      case "domain":
        return `DOM-${this.#hex(kind, value, round, 6).toUpperCase()}`;
      case "host":
        return `host-${this.#hex(kind, value, round, 8)}`;
      case "email": {
        const at = value.lastIndexOf("@");
        const local = at > 0 ? value.slice(0, at) : value;
        const domain = at > 0 ? value.slice(at + 1) : "";
        // The local part is the account: a UPN and a SAM name of one person match.
        const user = this.token("account", local);
        const dom = domain ? this.#hex("maildomain", domain, 0, 6) : "x";
        return round === 0 ? `${user}@dom-${dom}.invalid` : `${user}-${round}@dom-${dom}.invalid`;
      }
      case "ip":
        return isIPv6(value) ? this.#ipv6(value, round) : this.#ipv4(value, round);
      case "sid":
        return this.#sid(value, round);
    }
  }

  /** Private addresses stay private (in 10/8), others go to the reserved 240/4. */
  #ipv4(value: string, round: number): string {
    const d = this.#digest("ip", value, round);
    const [a, b] = value.split(".").map(Number);
    const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
    return isPrivate
      ? `10.${d[0]}.${d[1]}.${d[2]}`
      : `${240 + (d[0] & 15)}.${d[1]}.${d[2]}.${d[3]}`;
  }

  /** A unique local address (fd00::/8). */
  #ipv6(value: string, round: number): string {
    const d = this.#digest("ip", value, round);
    const groups = [0xfd00 | d[0]];
    for (let i = 1; i < 8; i++) groups.push((d[2 * i] << 8) | d[2 * i + 1]);
    return groups.map((g) => g.toString(16)).join(":");
  }

  /** A domain SID's three sub-authorities are replaced; RIDs under 1000 are kept. */
  #sid(value: string, round: number): string {
    const parts = value.toUpperCase().split("-");
    const d = this.#digest("sid", parts.slice(0, 7).join("-"), round);
    const sub = (i: number) =>
      String(((d[4 * i] << 24) | (d[4 * i + 1] << 16) | (d[4 * i + 2] << 8) | d[4 * i + 3]) >>> 0);
    const out = ["S", "1", "5", "21", sub(0), sub(1), sub(2)];
    if (parts.length > 7) {
      const rid = Number(parts[7]);
      const r = this.#digest("rid", value, round);
      out.push(
        rid < 1000 ? parts[7] : String(1000 + (((r[0] << 16) | (r[1] << 8) | r[2]) % 900_000_000)),
      );
    }
    return out.join("-");
  }
}

/** Whether `value` is an IP address (v4 or v6). */
export function isIp(value: string): boolean {
  return isIPv4(value) || isIPv6(value);
}
