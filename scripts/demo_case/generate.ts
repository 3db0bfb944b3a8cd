/**
 * Generates the bundled demo case: a Microsoft Sentinel workspace for a fictional company
 * (Larkspur Logistics) with fourteen days of ordinary activity, an intrusion planted in
 * days 10-12 and a cloud incident in days 4-5 (with their benign look-alikes), plus the
 * outside data and watchlists an investigator would join, and an answer key.
 *
 * The output is deterministic: the same options give byte-identical files on every run
 * and machine. `--scale N` multiplies the ordinary activity (people and workstations) for
 * benchmarks; the incidents stay the same.
 *
 * ```sh
 * deno task fixtures                      # regenerate fixtures/demo-case (scale 1)
 * # Benchmark copy: scale 75 gives about 26M rows, 10M of them SecurityEvent. Exposing
 * # gc lets each chunk's native memory go as soon as it is written (peak ~3.7 GB, not ~6).
 * deno run -A --v8-flags=--expose-gc scripts/demo_case/generate.ts --out /tmp/big --scale 75
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { SENTINEL_SCHEMAS } from "../../src/schema/sentinel.ts";
import { renderAnswers } from "./_answers.ts";
import { attackRows } from "./_attack.ts";
import {
  benignAudit,
  benignIdentityInfo,
  benignOffice,
  benignSignins,
} from "./_benign_identity.ts";
import {
  benignAzureActivity,
  benignBehavior,
  benignCloudApps,
  benignEmail,
  benignNonInteractive,
} from "./_benign_cloud.ts";
import {
  benignDirectoryQueries,
  benignFileEvents,
  benignRegistryEvents,
  benignSystemLog,
} from "./_benign_endpoint.ts";
import { benignAlertRows, threatIntelRows } from "./_benign_intel.ts";
import { cloudAttackRows } from "./_cloud_attack.ts";
import { cloudLookalikeRows } from "./_cloud_lookalikes.ts";
import { securityEventEchoes } from "./_derived.ts";
import { incidentRows } from "./_incidents.ts";
import { firstIncidentTraces } from "./_traces.ts";
import {
  dnsDomainIocsCsv,
  WATCHLIST_FILES,
  watchlistAnswerLines,
  watchlistCsvs,
} from "./_watchlists.ts";
import { benignDns, benignFirewall, benignHeartbeat, benignSyslog } from "./_benign_network.ts";
import { windowsSink } from "./_benign_windows.ts";
import { DAY, dayOf, DAYS, END, iso, START } from "./_clock.ts";
import {
  EXTERNAL_FILES,
  highValueAssetsCsv,
  hrEmployeesCsv,
  threatIntelBundle,
} from "./_external.ts";
import { buildOrganisation, ORG } from "./_org.ts";
import { type Row, TableBuilder } from "./_table.ts";
import { buildDayWorld, type DayGenerator } from "./_world.ts";
import { buildManifest, fileSha256, TableWriter, writeManifest } from "./_write.ts";
import { workspaceFill } from "./_workspace.ts";
import { fillStandardColumns, isBillable } from "./_standard.ts";
import { XDR_TABLES, xdrAnswerLines, xdrTableRows } from "./_xdr_tables.ts";
import { emailEchoes, securityEventExtras } from "./_hunt_echoes.ts";
import { servicePrincipalSignins } from "./_hunt_sp_signins.ts";
import { anomalyRows } from "./_hunt_anomalies.ts";
import {
  benignDirectoryChanges,
  benignEnrichedM365,
  HUNT_TABLES,
  huntAnswerLines,
  huntPlantedRows,
} from "./_hunt_tables.ts";

/** Options for {@link generateDemoCase}. */
export interface GenerateOptions {
  /** Output folder; created if missing. Default `fixtures/demo-case`. */
  readonly out?: string;
  /** Multiplies ordinary activity (users and workstations); a positive integer. Default 1. */
  readonly scale?: number;
  /** Seed for every random choice. Default {@link DEFAULT_SEED}. */
  readonly seed?: string;
  /**
   * Spill day chunks to disk and stream them into each table's file, bounding memory.
   * Default: on for scale 3 and above. Spilled files hold the same rows but are not
   * byte-identical to in-memory ones.
   */
  readonly spill?: boolean;
  /** Progress messages (default: none). */
  readonly log?: (message: string) => void;
}

/** What {@link generateDemoCase} wrote. */
export interface GenerateResult {
  /** The output folder. */
  readonly out: string;
  /** Rows per table, in manifest order. */
  readonly rows: Readonly<Record<string, number>>;
  /** Total rows over all tables. */
  readonly totalRows: number;
}

/** The seed the committed demo case is generated with. */
export const DEFAULT_SEED = "casefile-demo-case-v1";

/** The folder the committed demo case lives in, relative to the repository root. */
export const DEFAULT_OUT = "fixtures/demo-case";

/**
 * Tables in manifest order, with the generators of their ordinary rows. Windows telemetry
 * (SecurityEvent, Defender tables, and part of the firewall and DNS logs) streams in from
 * the day's simulation instead; see `windowsSink`.
 */
const TABLES: ReadonlyArray<readonly [string, readonly DayGenerator[]]> = [
  ["SigninLogs", [benignSignins]],
  ["AuditLogs", [benignAudit]],
  ["OfficeActivity", [benignOffice]],
  ["SecurityEvent", []],
  ["SecurityAlert", []],
  ["DeviceProcessEvents", []],
  ["DeviceNetworkEvents", []],
  ["CommonSecurityLog", [benignFirewall]],
  ["DnsEvents", [benignDns]],
  ["Syslog", [benignSyslog]],
  ["IdentityInfo", [benignIdentityInfo]],
  ["ThreatIntelligenceIndicator", []],
  ["Heartbeat", [benignHeartbeat]],
  // Added with the second incident; new tables go last so the ones above keep their order.
  ["Event", [benignSystemLog]],
  ["AADNonInteractiveUserSignInLogs", [benignNonInteractive]],
  ["BehaviorAnalytics", [benignBehavior]],
  ["IdentityLogonEvents", []],
  ["IdentityQueryEvents", [benignDirectoryQueries]],
  ["DeviceFileEvents", [benignFileEvents]],
  ["DeviceRegistryEvents", [benignRegistryEvents]],
  ["DeviceLogonEvents", []],
  ["AzureActivity", [benignAzureActivity]],
  ["EmailEvents", [benignEmail]],
  ["CloudAppEvents", [benignCloudApps]],
  ["SecurityIncident", []],
  // Issue 16: standard Defender XDR tables hunting queries read (own stream, after the rest).
  ...XDR_TABLES.map((name) => [name, []] as const),
  // Issue 16, second pass: mail links, attachments and clicks (echoes of EmailEvents), directory
  // changes, and Global Secure Access's enriched Microsoft 365 audit log.
  ...HUNT_TABLES.map((name) =>
    [
      name,
      name === "IdentityDirectoryEvents"
        ? [benignDirectoryChanges]
        : name === "EnrichedMicrosoft365AuditLogs"
        ? [benignEnrichedM365]
        : [],
    ] as const
  ),
];

/** Buffered rows at which a table's builder is flushed to its writer. */
const FLUSH_ROWS = 100_000;

/** Thrown when generator options are invalid. */
export class GenerateOptionsError extends RangeError {
  /** What to do instead. */
  readonly hint: string;

  /** Creates the error. */
  constructor(message: string, hint: string) {
    super(message);
    this.name = "GenerateOptionsError";
    this.hint = hint;
  }
}

/**
 * Generates the demo case into `options.out`.
 *
 * @param options Output folder, scale, seed, spilling and logging.
 * @returns The folder and per-table row counts.
 * @throws {GenerateOptionsError} If `scale` is not a positive integer.
 *
 * @example Generate a small copy into a temporary folder
 * ```ts ignore
 * import { generateDemoCase } from "./generate.ts";
 *
 * const out = await Deno.makeTempDir();
 * const result = await generateDemoCase({ out });
 * console.log(result.rows.SecurityEvent);
 * ```
 */
export async function generateDemoCase(options: GenerateOptions = {}): Promise<GenerateResult> {
  const scale = options.scale ?? 1;
  if (!Number.isInteger(scale) || scale < 1) {
    throw new GenerateOptionsError(
      `Cannot generate the demo case: scale must be a positive integer, got ${scale}`,
      "Pass --scale 1 for the committed case, or a larger whole number for benchmarks.",
    );
  }
  const out = options.out ?? DEFAULT_OUT;
  const seed = options.seed ?? DEFAULT_SEED;
  const log = options.log ?? (() => {});
  const spill = options.spill ?? scale >= 3;
  await Deno.mkdir(join(out, "external"), { recursive: true });
  const spillDir = spill ? await Deno.makeTempDir({ prefix: "casefile-demo-" }) : null;

  const org = buildOrganisation(scale, seed);
  log(`organisation: ${org.users.length} users, ${org.hosts.length} hosts`);
  const attack = attackRows(org, seed);
  const cloud = cloudAttackRows(org, seed);
  const benignAlerts = benignAlertRows(org, seed);
  const lookalikes = cloudLookalikeRows(org, seed);
  const incidents = incidentRows([
    {
      title: "Multi-stage incident involving Initial access & Credential access on one " +
        "endpoint reported by multiple sources",
      alerts: attack.get("SecurityAlert") ?? [],
    },
    {
      title: "Multi-stage incident involving Persistence & Impact involving one user " +
        "reported by multiple sources",
      alerts: cloud.get("SecurityAlert") ?? [],
    },
    ...benignAlerts.map((alert) => ({ title: null, alerts: [alert] })),
  ], seed);
  const planted = groupByDay([
    attack,
    new Map([
      ["ThreatIntelligenceIndicator", threatIntelRows(seed)],
      ["SecurityAlert", benignAlerts],
    ]),
    firstIncidentTraces(org, seed),
    cloud,
    lookalikes,
    new Map([["SecurityIncident", incidents]]),
    huntPlantedRows(
      org,
      cloud.get("EmailEvents") ?? [],
      attack.get("SecurityEvent") ?? [],
    ),
    new Map([["Anomalies", anomalyRows(seed)]]),
    new Map([[
      "AADServicePrincipalSignInLogs",
      servicePrincipalSignins(seed, [
        ...(cloud.get("AuditLogs") ?? []),
        ...(lookalikes.get("AuditLogs") ?? []),
      ]),
    ]]),
  ]);
  const xdr = xdrTableRows(org, seed, attack.get("DeviceProcessEvents") ?? [], [
    ...(attack.get("SecurityAlert") ?? []),
    ...(cloud.get("SecurityAlert") ?? []),
    ...benignAlerts,
  ]);
  for (const [table, byDay] of groupByDay([xdr.rows])) planted.set(table, byDay);
  const echo = securityEventEchoes(org);
  const securityExtras = securityEventExtras(org);
  const mailEcho = emailEchoes(org);

  const builders = new Map<string, TableBuilder>();
  const writers = new Map<string, TableWriter>();
  const adders = new Map<string, (row: Row) => void>();
  for (const [name] of TABLES) {
    const schema = SENTINEL_SCHEMAS[name];
    const builder = new TableBuilder(schema, {
      TenantId: ORG.workspaceId,
      Type: name,
      _IsBillable: isBillable(name),
    });
    const fill = workspaceFill(name);
    builders.set(name, builder);
    const add = fill === null
      ? (row: Row) => builder.add(row)
      : (row: Row) => builder.add(fill(row));
    // Other sensors record some Security log events too (DeviceLogonEvents, IdentityLogonEvents).
    const echoed = (row: Row) => echo(row, (table, derived) => adders.get(table)!(derived));
    // The Security log's own companions of an event (5145 after 5140, 5058 with an RDP logon)
    // and Defender for Office's link, attachment and click rows of a message.
    const extras = (row: Row) => securityExtras(row, add);
    const mailed = (row: Row) => mailEcho(row, (table, derived) => adders.get(table)!(derived));
    adders.set(
      name,
      name === "SecurityEvent"
        ? (row) => (add(row), echoed(row), extras(row))
        : name === "EmailEvents"
        ? (row) => (add(row), mailed(row))
        : add,
    );
    writers.set(name, new TableWriter(schema, join(out, `${name}.parquet`), spillDir));
  }
  try {
    for (let day = 0; day < DAYS; day++) {
      const into = (name: string) => adders.get(name)!;
      const sink = windowsSink(org, day, seed, {
        SecurityEvent: into("SecurityEvent"),
        DeviceProcessEvents: into("DeviceProcessEvents"),
        DeviceNetworkEvents: into("DeviceNetworkEvents"),
        CommonSecurityLog: into("CommonSecurityLog"),
        DnsEvents: into("DnsEvents"),
        Event: into("Event"),
      });
      const world = buildDayWorld(org, day, seed, sink);
      for (const [name, generators] of TABLES) {
        const builder = builders.get(name)!;
        const emit = adders.get(name)!;
        for (const generate of generators) generate(world, emit);
        for (const row of planted.get(name)?.get(day) ?? []) emit(row);
        // Flush in large chunks: each flush has a fixed cost, and memory stays bounded.
        if (day === DAYS - 1 || builder.rows >= FLUSH_ROWS) {
          const until = day === DAYS - 1 ? END : START + (day + 1) * DAY;
          writers.get(name)!.add(fillStandardColumns(builder.schema, builder.flush(until)));
          await releaseNativeMemory();
        }
      }
      log(`day ${day + 1}/${DAYS} done (rss ${(Deno.memoryUsage().rss / 1e9).toFixed(1)} GB)`);
    }
    const rows: Record<string, number> = {};
    let totalRows = 0;
    for (const [name] of TABLES) {
      rows[name] = writers.get(name)!.finish();
      await releaseNativeMemory();
      totalRows += rows[name];
      log(`${name}: ${rows[name]} rows (rss ${(Deno.memoryUsage().rss / 1e9).toFixed(1)} GB)`);
    }
    await writeManifest(
      out,
      buildManifest(
        `${ORG.name} (demo case)`,
        `A Microsoft Sentinel workspace for ${ORG.name}, a fictional UK logistics company ` +
          `(${org.users.length} people, ${org.hosts.length} machines), with 14 days of ordinary ` +
          "activity, an intrusion planted in days 10-12 and a cloud incident in days 4-5.",
        iso(END),
        { start: iso(START), end: iso(END) },
        await Promise.all(TABLES.map(async ([name]) => ({
          name,
          file: `${name}.parquet`,
          rows: rows[name],
          sha256: await fileSha256(join(out, `${name}.parquet`)),
          columns: SENTINEL_SCHEMAS[name].columns,
        }))),
        [...EXTERNAL_FILES, ...WATCHLIST_FILES],
      ),
    );
    await Deno.writeTextFile(join(out, "external", "hr_employees.csv"), hrEmployeesCsv(org));
    await Deno.writeTextFile(
      join(out, "external", "high_value_assets.csv"),
      highValueAssetsCsv(org),
    );
    await Deno.writeTextFile(
      join(out, "external", "threat_intel_feed.json"),
      threatIntelBundle(seed),
    );
    await Deno.mkdir(join(out, "watchlists"), { recursive: true });
    for (const [file, text] of Object.entries(watchlistCsvs(org))) {
      await Deno.writeTextFile(join(out, "watchlists", file), text);
    }
    await Deno.writeTextFile(
      join(out, "watchlists", "dns_solution_domain_iocs.csv"),
      dnsDomainIocsCsv(threatIntelBundle(seed)),
    );
    await Deno.writeTextFile(
      join(out, "ANSWERS.md"),
      renderAnswers([
        ...xdrAnswerLines(xdr),
        ...watchlistAnswerLines(org),
        ...huntAnswerLines(org),
      ]),
    );
    return { out, rows, totalRows };
  } finally {
    if (spillDir !== null) await Deno.remove(spillDir, { recursive: true });
  }
}

/**
 * Lets Polars' native buffers go. Frames are freed by finalizers, which only run between
 * event-loop turns (and sooner after a collection, when started with
 * `--v8-flags=--expose-gc`); without this a long synchronous run holds every chunk.
 */
async function releaseNativeMemory(): Promise<void> {
  (globalThis as { gc?: () => void }).gc?.();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/** Splits precomputed rows by table and day; every row must fall inside the case. */
function groupByDay(sources: readonly Map<string, Row[]>[]): Map<string, Map<number, Row[]>> {
  const grouped = new Map<string, Map<number, Row[]>>();
  for (const source of sources) {
    for (const [table, rows] of source) {
      let days = grouped.get(table);
      if (!days) grouped.set(table, days = new Map());
      for (const row of rows) {
        const time = row.TimeGenerated as number;
        if (!(time >= START && time < END)) {
          throw new RangeError(`Cannot plant a ${table} row at ${iso(time)}: outside the case`);
        }
        const day = dayOf(time);
        let list = days.get(day);
        if (!list) days.set(day, list = []);
        list.push(row);
      }
    }
  }
  return grouped;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      out: { type: "string", default: DEFAULT_OUT },
      scale: { type: "string", default: "1" },
      seed: { type: "string", default: DEFAULT_SEED },
      quiet: { type: "boolean", default: false },
    },
  });
  const started = performance.now();
  try {
    const result = await generateDemoCase({
      out: values.out,
      scale: Number(values.scale),
      seed: values.seed,
      log: values.quiet ? undefined : (m) => console.error(m),
    });
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`${result.out}: ${result.totalRows} rows in ${seconds} s`);
  } catch (error) {
    if (error instanceof GenerateOptionsError) {
      console.error(`${error.message}\nhint: ${error.hint}`);
      Deno.exit(2);
    }
    throw error;
  }
}
