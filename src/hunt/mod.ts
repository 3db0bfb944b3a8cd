/**
 * The hunting library: parameterised KQL queries as data, one family a file (identity,
 * mail and Office, Windows, threat intel, DNS, Linux, Azure, ...), each with its tables,
 * typed parameters, default window, MITRE ATT&CK mapping and output columns; and entity
 * pivots from an account, host, address, URL, domain, hash or mailbox to every query and
 * enrichment that takes it.
 *
 * - {@link hunt}: `hunt.<family>.<name>({ account, window: "7d" })` runs a query (in a
 *   session's scope, on its provider; elsewhere pass `{ provider }` or `{ session }`, the
 *   latter making it a journaled, replayable step).
 * - {@link searchHunts} lists the queries by text, table, technique, tactic or entity kind;
 *   {@link findHunt} finds one by id; {@link huntText} shows the KQL it runs.
 * - {@link loadHuntFolder} reads a folder of your own YAML families (validated: every
 *   problem named by file, family, query and field); {@link createHunt} makes functions of
 *   them.
 * - {@link pivot}: `pivot.ip("203.0.113.45")` lists the pivots, `.run()` runs them all.
 * - {@link investigateAlert}, {@link investigateAccount}, {@link investigateHost},
 *   {@link investigateIp}, {@link investigateIncident}: guided investigations, returning
 *   findings (what detections and analyses flagged), the entities met and a timeline.
 *
 * @example The demo case's spray, found by a library query
 * ```ts
 * import assert from "node:assert/strict";
 * import { hunt, searchHunts } from "./mod.ts";
 * import { openLocalProvider } from "../providers/mod.ts";
 *
 * const provider = await openLocalProvider();
 * const [entry] = searchHunts({ technique: "T1110.003", table: "SigninLogs", text: "spray" });
 * const spray = await hunt[entry.family][entry.query.name]({}, { provider });
 * const ips = spray.getColumn("IPAddress").toArray();
 * for (const ip of ["203.0.113.61", "203.0.113.88", "203.0.113.45"]) assert.ok(ips.includes(ip));
 * ```
 *
 * @module
 */
export type {
  EntityKind,
  HuntFamily,
  HuntParameter,
  HuntParamType,
  HuntParamValue,
  HuntQuery,
} from "./types.ts";
export { HuntError, HuntLibraryError, problemPlace } from "./errors.ts";
export type { HuntProblem } from "./errors.ts";
export {
  ATTACK_TACTICS,
  builtinHuntFamilies,
  ENTITY_KINDS,
  findHunt,
  huntEntityParams,
  huntEntries,
  loadHuntFolder,
  searchHunts,
  validateHuntFamilies,
} from "./library.ts";
export type { HuntEntry, HuntSearch } from "./library.ts";
export { huntText, parseHuntArg, runHuntQuery } from "./run.ts";
export type { HuntArgs, HuntRunOptions, HuntText } from "./run.ts";
export { bindable, createHunt, hunt, SCOPE_BINDING } from "./hunt.ts";
export type { Hunt, HuntFunction, ScopeContext } from "./hunt.ts";
export { createPivot, EntityPivot, pivot, PivotReport } from "./pivot.ts";
export type { Pivot, PivotEntry, PivotFunction, PivotOptions, PivotOutcome } from "./pivot.ts";
export {
  investigateAccount,
  investigateAlert,
  investigateHost,
  investigateIncident,
  investigateIp,
} from "./investigate.ts";
export type {
  AlertInput,
  Finding,
  FindingSeverity,
  InvestigatedEntity,
  InvestigatedKind,
  InvestigateOptions,
  InvestigateTarget,
  Investigation,
  TimelineEntry,
} from "./investigate.ts";
export type { DataFrame } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
export type { Provider } from "../providers/mod.ts";
export type { Session } from "../session/mod.ts";
export type { TiProvider } from "../enrich/mod.ts";
export type { Chart } from "../viz/mod.ts";
