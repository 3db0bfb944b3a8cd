/**
 * The REPL's Sentinel incidents: `--incident ID` seeds the new session from an incident, and
 * `.incident list | open ID | write ...` list, open and write findings back (`--ti FRAME`
 * also writes an IoC frame's indicators as threat-intelligence indicators). The incident
 * client (and the Azure SDK under it) is loaded at first use; the workspace's ARM id comes
 * from `--workspace-resource`, `CASEFILE_SENTINEL_WORKSPACE_RESOURCE` or the Sentinel config.
 *
 * @module
 */
import type { Session } from "../src/session/mod.ts";
import type { IncidentClient } from "../src/providers/sentinel/mod.ts";
import { importLater } from "./_later.ts";
import { ReplError } from "./errors.ts";
import { textTable, utc } from "./_format.ts";

type Sentinel = typeof import("../src/providers/sentinel/mod.ts");

/** What incident commands reach of the REPL. */
export interface IncidentHost {
  readonly session: Session;
  readonly output: { write(text: string): void };
}

let workspaceResource: string | undefined;
let client: Promise<IncidentClient> | undefined;

/** Sets the workspace's ARM id incidents are read from (`--workspace-resource`). */
export function setIncidentWorkspace(resource: string | undefined): void {
  workspaceResource = resource;
  client = undefined;
}

function sentinel(): Promise<Sentinel> {
  return importLater<Sentinel>(new URL("../src/providers/sentinel/mod.ts", import.meta.url));
}

function incidents(): Promise<IncidentClient> {
  client ??= sentinel().then((s) => s.openIncidents({ workspaceResource }));
  // A failure (no workspace named) is not kept: the next command tries again.
  client.catch(() => (client = undefined));
  return client;
}

/** Opens incident `id` into the session: parameters, frames as variables, where it came from. */
export async function openIncidentInto(host: IncidentHost, id: string): Promise<void> {
  const { seedSession } = await sentinel();
  const found = await incidents();
  const opened = await found.open(id);
  await seedSession(host.session, opened, { workspaceResource: found.workspaceResource });
  const params = host.session.paramList().filter((p) =>
    ["incident", "window", "accounts", "hosts", "ips", "hashes", "urls"].includes(p.name)
  );
  host.output.write(
    `incident ${opened.number} (${opened.id}): ${opened.title} · ${opened.severity} · ` +
      `${opened.status}\n${opened.alerts.height} alerts, ${opened.entities.height} entities, ` +
      `${opened.comments.height} comments: variables incident, alerts, entities, comments\n` +
      params.map((p) => `  ${p.name} = ${p.text}`).join("\n"),
  );
}

/** `.incident list|open|write`. */
export async function incidentCommand(host: IncidentHost, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  switch (verb) {
    case "list": {
      const frame = await (await incidents()).list(rest[0] ? { status: rest[0] } : {});
      const rows = frame.toRecords().map((r) => [
        String(r.IncidentNumber),
        String(r.IncidentName),
        String(r.Severity),
        String(r.Status),
        utc(r.CreatedTime as unknown as Date | null),
        String(r.Title),
      ]);
      host.output.write(textTable(["#", "id", "severity", "status", "created", "title"], rows));
      return;
    }
    case "open":
      if (!rest[0]) throw usage(".incident open needs the incident's id.");
      await openIncidentInto(host, rest[0]);
      return;
    case "write":
      await writeBack(host, rest);
      return;
    default:
      throw usage(`.incident takes list, open or write, not ${verb ?? "nothing"}.`);
  }
}

async function writeBack(host: IncidentHost, args: string[]): Promise<void> {
  const options: Record<string, unknown> = {};
  const ti: Record<string, unknown> = {};
  const labels: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const flag = args[i], value = args[i + 1];
    const take = () => {
      if (value === undefined || value.startsWith("--")) throw usage(`${flag} needs a value.`);
      i++;
      return value;
    };
    switch (flag) {
      case "--close":
        options.status = "Closed";
        options.classification = take();
        break;
      case "--status":
        options.status = take();
        break;
      case "--reason":
        options.classificationReason = take();
        break;
      case "--report":
        options.report = take();
        break;
      case "--watchlist":
        options.watchlist = take();
        break;
      case "--comment":
        options.comment = take();
        break;
      case "--no-comment":
        options.comment = false;
        break;
      case "--no-bookmarks":
        options.bookmarks = false;
        break;
      case "--ti": {
        // A variable holding an IoC frame (type, value), or `params` for ips/hashes/urls.
        const name = take();
        options.threatIntel = ti;
        if (name !== "params") ti.indicators = indicatorVariable(host, name);
        break;
      }
      case "--confidence": {
        const text = take();
        const n = Number(text);
        if (!/^\d+$/.test(text) || n > 100) {
          throw usage(`--confidence takes 0 to 100, not ${text}.`);
        }
        ti.confidence = n;
        break;
      }
      case "--label":
        labels.push(take());
        ti.labels = labels;
        break;
      case "--valid-from": {
        const text = take();
        if (Number.isNaN(Date.parse(text))) {
          throw usage(`--valid-from takes an ISO 8601 date, not ${text}.`);
        }
        ti.validFrom = new Date(text);
        break;
      }
      default:
        throw usage(`${flag} is not an option of .incident write.`);
    }
  }
  const id = host.session.paramValues().incident;
  if (typeof id !== "string") {
    throw new ReplError("No incident is open in this session.", {
      hint: ".incident open ID first (or start with casefile repl --incident ID).",
    });
  }
  if (!options.threatIntel && Object.keys(ti).length > 0) {
    throw usage("--confidence, --label and --valid-from go with --ti FRAME (or --ti params).");
  }
  const found = await incidents();
  const report = await found.writeBack(id, host.session, options);
  const lines = [
    ...report.items.map((i) => `written: ${i.kind} ${i.name}`),
    ...(report.skipped ?? []).map((s) =>
      `${s.reason === "written before" ? "already written" : "skipped"}: indicator ` +
      `${s.type} ${s.value}${s.reason === "written before" ? "" : ` (${s.reason})`}`
    ),
  ];
  host.output.write(
    lines.join("\n") ||
      "Nothing to write: mark a step as a finding (.mark N finding NOTE) or give --close.",
  );
}

/** The IoC frame (or list) in session variable `name`. */
function indicatorVariable(host: IncidentHost, name: string): unknown {
  const vars = host.session.variables as Record<string, unknown>;
  if (!Object.hasOwn(vars, name) || vars[name] == null) {
    throw new ReplError(`There is no variable ${name} in this session.`, {
      hint: "Give the name of an IoC frame, e.g. iocs = extractIocsFrame(events, { columns: " +
        '"CommandLine" }), then .incident write --ti iocs; or --ti params for the session\'s ' +
        "ips, hashes and urls.",
    });
  }
  return vars[name];
}

function usage(message: string): ReplError {
  return new ReplError(message, {
    hint: ".incident list [STATUS] | .incident open ID | .incident write [--close " +
      "TruePositive] [--reason SuspiciousActivity] [--report PATH] [--watchlist ALIAS] " +
      "[--comment TEXT | --no-comment] [--no-bookmarks] [--ti FRAME|params [--confidence N] " +
      "[--label TEXT]... [--valid-from ISO]]",
  });
}
