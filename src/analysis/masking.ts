/**
 * Data masking for sharing: consistent pseudonyms for accounts, hosts, IP addresses (v4
 * and v6), emails and SIDs in a DataFrame, in their own columns and inside free text such
 * as command lines, with a check that no original value remains.
 *
 * A {@link Masker} holds one session's secret key: the same input gives the same token in
 * every frame masked by it (so masked tables still join), and tokens from different
 * sessions cannot be linked. Tokens keep their shape: `user-3f9a0c21`, `host-77b0e1d2`,
 * `DOM-A1B2C3`, private IPv4s in 10/8 and public ones in the reserved 240/4, IPv6 in fd00::/8,
 * domain SIDs with new sub-authorities and their well-known RIDs.
 *
 * @module
 */
import type { DataFrame } from "../polars.ts";
import { pl } from "../polars.ts";
import {
  type ColumnRule,
  distinctSorted,
  findLeaks,
  KnownNames,
  mapColumn,
  maskText,
  maskValue,
  ruleFor,
} from "./_mask_frame.ts";
import { type MaskKind, Tokens } from "./_mask_tokens.ts";
import { requireColumns } from "./_columns.ts";
import { checkOptions, defineOptions } from "../options.ts";

const MASKER_OPTIONS = defineOptions<MaskerOptions>("createMasker", {
  key: { kind: ["string", "object"], aliases: ["secret"] },
});
const MASK_OPTIONS = defineOptions<MaskOptions>("masker.mask", {
  columns: { kind: "object", aliases: ["rules", "column"] },
});

export type { ColumnRule, MaskKind };

/** Options of {@link createMasker}. */
export interface MaskerOptions {
  /** The secret key (default: 32 random bytes). Give one only to repeat a masking later. */
  readonly key?: Uint8Array | string;
}

/** Options of {@link Masker.mask}. */
export interface MaskOptions {
  /**
   * Rules for columns, overriding the ones told from their names: a kind (`account`,
   * `domain`, `host`, `ip`, `email`, `sid`), `text` (searched for all of them) or `keep`.
   */
  readonly columns?: Readonly<Record<string, ColumnRule>>;
}

/**
 * Starts a masking session.
 *
 * @param options The key, when a masking must be repeatable.
 * @returns The masker.
 *
 * @example Mask sign-ins for sharing and check nothing slipped through
 * ```ts
 * import assert from "node:assert/strict";
 * import { createMasker } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const { frame } = await provider.query("SigninLogs | take 200");
 * const masker = createMasker();
 * const masked = masker.mask(frame);
 * const [row] = masked.select("UserPrincipalName", "IPAddress").head(1).toRecords();
 * assert.match(String(row.UserPrincipalName), /^user-[0-9a-f]{8}@dom-[0-9a-f]+\.invalid$/);
 * assert.notEqual(row.IPAddress, frame.getColumn("IPAddress").get(0));
 * assert.equal(masker.findUnmasked(masked).height, 0); // no leaks
 * ```
 */
export function createMasker(options: MaskerOptions = {}): Masker {
  checkOptions("createMasker", options, MASKER_OPTIONS);
  return new Masker(new Tokens(options.key));
}

/** One masking session. Create one with {@link createMasker}. */
export class Masker {
  readonly #tokens: Tokens;
  readonly #names = new KnownNames();

  /** Use {@link createMasker}: the tokens hold the session's key. */
  constructor(tokens: Tokens) {
    this.#tokens = tokens;
  }

  /** How many distinct original values this session has replaced. */
  get replaced(): number {
    let n = 0;
    for (const values of this.#tokens.originals.values()) n += values.size;
    return n;
  }

  /** The rule each string column of `frame` gets, told from its name. */
  rules(frame: DataFrame, options: MaskOptions = {}): Record<string, ColumnRule> {
    return Object.fromEntries(
      frame.columns.map((c) => [c, options.columns?.[c] ?? ruleFor(frame, c)]),
    );
  }

  /** The token this session gives `value` as a `kind`. */
  token(kind: MaskKind, value: string): string {
    return maskValue(this.#tokens, kind, value);
  }

  /**
   * Learns the names in `frame`'s identifier columns (accounts, hosts, domains) without
   * masking it, so free text in frames masked later hides them too: feed it inventories
   * such as IdentityInfo or Heartbeat when a host or account may appear only in command
   * lines. Returns the column rules used.
   *
   * @throws {AnalysisError} when `options.columns` names a column the frame lacks.
   */
  learn(frame: DataFrame, options: MaskOptions = {}): Record<string, ColumnRule> {
    checkOptions("masker.mask", options, MASK_OPTIONS);
    requireColumns(frame, Object.keys(options.columns ?? {}), "mask");
    const rules = this.rules(frame, options);
    for (const [column, rule] of Object.entries(rules)) {
      if (rule === "text" || rule === "keep") continue;
      // Sorted, so a name seen as two kinds gets the same kind whatever the rows' order.
      for (const v of distinctSorted(frame, column)) this.#names.add(rule, v);
    }
    return rules;
  }

  /**
   * Masks `frame`: identifier columns value by value, then every other string column as
   * free text (emails, SIDs, addresses, and the names seen in identifier columns so far).
   * Rows keep the input's order; each column's distinct values are masked in sorted order,
   * so the tokens (and how two values whose tokens collide are told apart) do not depend on
   * the rows' order.
   *
   * @throws {AnalysisError} when `options.columns` names a column the frame lacks.
   */
  mask(frame: DataFrame, options: MaskOptions = {}): DataFrame {
    const columns = Object.entries(this.learn(frame, options));
    const pass = () => {
      let out = frame;
      for (const [column, rule] of columns) {
        if (rule === "keep") continue;
        out = rule === "text"
          ? mapColumn(out, column, (v) => maskText(this.#tokens, v, this.#names))
          : mapColumn(out, column, (v) => maskValue(this.#tokens, rule, v));
      }
      return out;
    };
    let out = pass();
    // Free text can reveal names of its own (the account in an email inside a message);
    // learn them and mask again, so they go wherever else they appear.
    for (let round = 0; round < 2; round++) {
      const known = this.#names.size;
      for (const name of this.#tokens.originals.get("account") ?? []) {
        this.#names.add("account", name);
      }
      if (this.#names.size === known) break;
      out = pass();
    }
    return out;
  }

  /**
   * The check: every string cell of `frame` that still holds a value this session
   * replaced, or an email, domain SID or IP address that is not one of its tokens. An
   * empty frame (columns `column`, `value`, `found`) means nothing was left.
   *
   * One row per distinct leaking value of a column. Rows are ordered by `column` (in
   * `frame`'s column order), then by `value` (ascending, by UTF-16 code units).
   */
  findUnmasked(frame: DataFrame): DataFrame {
    const leaks = findLeaks(this.#tokens, frame);
    return pl.DataFrame([
      pl.Series("column", leaks.map((l) => l.column), pl.Utf8),
      pl.Series("value", leaks.map((l) => l.value), pl.Utf8),
      pl.Series("found", leaks.map((l) => l.found), pl.Utf8),
    ]);
  }
}
