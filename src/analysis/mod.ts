/**
 * Analyses of investigation data, each a function of a frame (frame first, its columns in an
 * options object, detected from the frame where the source is known): process trees from
 * process-creation events ({@link buildProcessTree}), C2 beacons in network flows
 * ({@link findBeacons}), password sprays and brute force ({@link findPasswordAttacks}),
 * time-series anomalies ({@link decomposeSeries}, {@link findAnomalies}), rare and new values
 * ({@link rareValues}, {@link firstSeen}), Windows logon sessions ({@link logonSessions}) and
 * consistent masking of identities for sharing ({@link createMasker}). Results are Polars
 * frames in a documented, input-independent order; bad input fails with an
 * {@link AnalysisError} naming the column and what to do.
 *
 * @example The demo case's beacon and password spray
 * ```ts
 * import assert from "node:assert/strict";
 * import { findBeacons, findPasswordAttacks } from "./mod.ts";
 * import { openLocalProvider } from "../../mod.ts";
 *
 * const provider = await openLocalProvider();
 * const flows = (await provider.query("DeviceNetworkEvents")).frame;
 * const [c2] = findBeacons(flows, { top: 1 }).toRecords();
 * assert.equal(c2.RemoteIP, "198.51.100.160");
 * const signins = (await provider.query("SigninLogs")).frame;
 * const sprays = findPasswordAttacks(signins).getColumn("source").toArray();
 * assert.deepEqual(sprays, ["203.0.113.61", "203.0.113.88", "203.0.113.45"]);
 * ```
 *
 * @module
 */
export { AnalysisError } from "./errors.ts";
export type { AnalysisErrorOptions } from "./errors.ts";
export {
  buildProcessTree,
  detectProcessSchema,
  PROCESS_SCHEMA_KINDS,
  PROCESS_SCHEMAS,
} from "./process_tree.ts";
export type {
  AroundOptions,
  BuildProcessTreeOptions,
  DescendantsOptions,
  ParentRule,
  ProcessColumns,
  ProcessSchemaKind,
  ProcessTree,
  ProcessTreeSummary,
  ProcessTreeTextOptions,
  ProcessTreeTextOptionsWithRows,
  SiblingsOptions,
} from "./process_tree.ts";
export { findBeacons } from "./beaconing.ts";
export type { FindBeaconsOptions } from "./beaconing.ts";
export { findPasswordAttacks, SIGNIN_FAILURE_CODES } from "./password_attacks.ts";
export type {
  AuthColumns,
  AuthSourceKind,
  FindPasswordAttacksOptions,
} from "./password_attacks.ts";
export { decomposeSeries, findAnomalies } from "./anomalies.ts";
export type { DecomposeSeriesOptions } from "./anomalies.ts";
export { firstSeen, rareValues } from "./rarity.ts";
export type { FirstSeenOptions, RareValuesOptions } from "./rarity.ts";
export { createMasker } from "./masking.ts";
export type { ColumnRule, Masker, MaskerOptions, MaskKind, MaskOptions } from "./masking.ts";
export { logonSessions } from "./logon_sessions.ts";
export type { LogonSessionsOptions } from "./logon_sessions.ts";
// Types the signatures refer to, from the units that define them.
export type { DataFrame, Expr } from "../polars.ts";
export type { CasefileError, CasefileErrorOptions } from "../errors.ts";
