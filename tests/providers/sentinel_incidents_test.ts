/**
 * Sentinel incidents through the real @azure/identity client-secret credential (signing in
 * at the loopback Entra tenant) and casefile's ARM client, against the loopback ARM twin
 * seeded with the demo case's incidents. Expected values come from the demo case's answer
 * key (fixtures/demo-case/ANSWERS.md): the victim daniel.reyes@larkspurlogistics.example,
 * the attacker 203.0.113.45, the victim's workstation LKS-WS-1042, the intrusion's first
 * stage at 2026-03-11T02:10:00Z and the LSASS dump at 2026-03-12T02:18:55Z, and the
 * incident grouping its four alerts.
 */
import assert from "node:assert/strict";
import {
  IncidentConflictError,
  IncidentError,
  openIncidents,
  seedSession,
  SentinelAuthError,
  WriteBackError,
} from "../../src/providers/sentinel/mod.ts";
import { openSession } from "../../src/session/mod.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { type ArmService, DEMO_INCIDENT_ID, startArmService } from "../twins/arm/mod.ts";
import { tempFolder } from "../_helpers.ts";

const VICTIM = "daniel.reyes@larkspurlogistics.example";
const ATTACKER = "203.0.113.45";
const SPRAY_SOURCES = ["203.0.113.61", "203.0.113.88", "203.0.113.45"];

async function withArm(
  fn: (service: ArmService, env: Record<string, string>) => Promise<void>,
  options: { pageSize?: number } = {},
): Promise<void> {
  const clientId = crypto.randomUUID();
  const secret = `s3cr3t-${crypto.randomUUID()}`;
  const service = await startArmService({
    ...options,
    entra: { apps: [{ clientId, secrets: [secret] }] },
  });
  try {
    await fn(service, {
      AZURE_TENANT_ID: service.entra!.tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: secret,
    });
    // The secret never reaches the ARM service (only tokens do, and those are redacted).
    assert.ok(!JSON.stringify(service.requests).includes(secret));
  } finally {
    await service.close();
  }
}

function client(service: ArmService, env: Record<string, string>) {
  return openIncidents({
    workspaceResource: service.workspaceResourceId,
    endpoint: service.endpoint,
    authorityHost: service.entra!.authorityHost,
    caCertificates: [service.caCertificate],
    credential: "client-secret",
    env: (name) => env[name],
  });
}

Deno.test("opening the demo incident gives its alerts, entities and the answer key's people and addresses", async () => {
  await withArm(async (service, env) => {
    const incidents = await client(service, env);
    const opened = await incidents.open(DEMO_INCIDENT_ID);
    assert.equal(opened.number, 1010);
    assert.equal(opened.status, "New");
    assert.equal(opened.alerts.height, 4);
    assert.deepEqual(opened.alerts.getColumn("AlertName").toArray().sort(), [
      "Password Spray",
      "Sensitive credential memory read",
      "Suspicious PowerShell command line",
      "Suspicious inbox forwarding",
    ]);
    assert.deepEqual(opened.indicators.accounts, [VICTIM]);
    assert.deepEqual([...opened.indicators.ips].sort(), [...SPRAY_SOURCES].sort());
    assert.deepEqual(opened.indicators.hosts.map((h) => h.toUpperCase()), ["LKS-WS-1042"]);
    assert.equal(opened.firstActivity?.toISOString(), "2026-03-11T02:10:00.000Z");
    assert.equal(opened.lastActivity?.toISOString(), "2026-03-12T02:18:55.000Z");
    assert.equal(opened.comments.height, 0);
    // A token for Resource Manager was issued by the tenant, for the ARM audience.
    assert.ok(service.entra!.issued.some((t) => t.audience === "https://management.azure.com"));

    // Seeded into a session: parameters, then frames as variables, the first step first.
    const session = await openSession("from-incident", {
      home: await tempFolder(),
      provider: await openLocalProvider(),
      cache: false,
    });
    try {
      await seedSession(session, opened, { workspaceResource: service.workspaceResourceId });
      const params = session.paramValues();
      assert.equal(params.incident, DEMO_INCIDENT_ID);
      assert.deepEqual(params.accounts, [VICTIM]);
      assert.ok((params.ips as string[]).includes(ATTACKER));
      assert.deepEqual(params.window, {
        start: new Date("2026-03-11T01:10:00Z"),
        end: new Date("2026-03-12T03:18:55Z"),
      });
      const steps = session.steps();
      assert.deepEqual(steps.map((s) => s.record.name), [
        "incident",
        "alerts",
        "entities",
        "comments",
      ]);
      assert.match(steps[0].record.code, /Sentinel incident 1010/);
      assert.match(steps[0].record.code, /law-larkspur-sentinel/);
    } finally {
      await session.close();
    }
  });
});

Deno.test("listing incidents filters on the server, is newest first and follows nextLink", async () => {
  await withArm(async (service, env) => {
    const incidents = await client(service, env);
    const open = await incidents.list({ status: "New", severity: "High" });
    // The two open incidents of the answer key: the intrusion (1010) and the consent
    // phishing (1005), the later one first.
    assert.deepEqual(open.getColumn("IncidentNumber").toArray(), [1010, 1005]);
    const all = await incidents.list();
    // Every incident once (both open ones among them), newest first, across pages of 4.
    const numbers = all.getColumn("IncidentNumber").toArray();
    assert.ok(all.height > 8, `${all.height} incidents`);
    assert.equal(new Set(numbers).size, all.height);
    assert.ok(numbers.includes(1010) && numbers.includes(1005));
    const created = all.getColumn("CreatedTime").toArray().map((d) =>
      (d as unknown as Date).getTime()
    );
    assert.deepEqual(created, [...created].sort((a, b) => b - a));
    const gets = service.requests.filter((r) => r.method === "GET" && /\/incidents\?/.test(r.path));
    assert.equal(gets.length, 1 + Math.ceil(all.height / 4), "pages of 4 through nextLink");
    assert.match(
      decodeURIComponent(gets[0].path.replaceAll("+", " ")),
      /\$filter=properties\/status eq 'New' and properties\/severity eq 'High'/,
    );
  }, { pageSize: 4 });
});

Deno.test("incident faults: refused token, missing role, unknown incident, throttling", async () => {
  await withArm(async (service, env) => {
    // 401: a token the service does not know.
    const stranger = await openIncidents({
      workspaceResource: service.workspaceResourceId,
      endpoint: service.endpoint,
      caCertificates: [service.caCertificate],
      credential: {
        getToken: () => Promise.resolve({ token: "forged", expiresOnTimestamp: Date.now() + 1e6 }),
      },
      env: () => undefined,
    });
    const refused = await stranger.open(DEMO_INCIDENT_ID).catch((e) => e);
    assert.ok(refused instanceof SentinelAuthError, String(refused));
    assert.equal(refused.status, 401);

    const incidents = await client(service, env);
    // 404: an unknown incident.
    const unknown = await incidents.open("00000000-1111-2222-3333-444444444444").catch((e) => e);
    assert.ok(unknown instanceof IncidentError);
    assert.equal(unknown.status, 404);
    assert.match(unknown.hint ?? "", /incident list/);

    // 403: without a Sentinel role nothing can be read; the error names the role needed.
    service.setRole("none");
    const none = await incidents.list().catch((e) => e);
    assert.ok(none instanceof IncidentError);
    assert.equal(none.status, 403);
    assert.equal(none.role, "Microsoft Sentinel Reader");
    assert.match(none.message, /Microsoft Sentinel Reader/);

    // 429 with Retry-After: retried after the wait, then answered.
    service.setRole("contributor");
    service.inject({ status: 429, retryAfterSeconds: 0 }, { method: "GET" });
    const again = await incidents.open(DEMO_INCIDENT_ID);
    assert.equal(again.number, 1010);
    const statuses = service.requests.filter((r) =>
      r.method === "GET" && r.path.includes(
        `/incidents/${DEMO_INCIDENT_ID}?`,
      )
    ).map((r) => r.status);
    assert.deepEqual(statuses.slice(-2), [429, 200]);
    // Throttled past the retries: a clear error.
    service.inject({ status: 429, retryAfterSeconds: 0, times: 10 }, { method: "GET" });
    const busy = await incidents.open(DEMO_INCIDENT_ID).catch((e) => e);
    assert.ok(busy instanceof IncidentError);
    assert.equal(busy.status, 429);
    service.clearFaults();
  });
});

/** A session seeded from the demo incident with one finding: the spray sources' failures. */
async function findingSession(service: ArmService, env: Record<string, string>) {
  const incidents = await client(service, env);
  const opened = await incidents.open(DEMO_INCIDENT_ID);
  const session = await openSession(`wb-${crypto.randomUUID().slice(0, 8)}`, {
    home: await tempFolder(),
    provider: await openLocalProvider(),
    cache: false,
  });
  await seedSession(session, opened);
  await session.query(
    "spray",
    // The spray's window (ANSWERS.md stage 1): 486 attempts, 1 success.
    `SigninLogs | where TimeGenerated between (datetime(2026-03-11T02:10:00Z) .. ` +
      `datetime(2026-03-11T03:47:29Z)) | where IPAddress in ("203.0.113.61", "203.0.113.88", ` +
      `"203.0.113.45") and ResultType == "0" | project TimeGenerated, UserPrincipalName, IPAddress`,
  );
  await session.mark("spray", "finding", "The spray's one success");
  return { incidents, opened, session };
}

Deno.test("write-back: a bookmark, a comment, the incident closed; a 412 and a role are clear errors", async () => {
  await withArm(async (service, env) => {
    const { incidents, session } = await findingSession(service, env);
    try {
      // A responder may comment but not bookmark: the error names the role, nothing is changed.
      service.setRole("responder");
      const denied = await incidents.writeBack(DEMO_INCIDENT_ID, session).catch((e) => e);
      assert.ok(denied instanceof WriteBackError);
      assert.equal(denied.role, "Microsoft Sentinel Contributor");
      assert.deepEqual(denied.items.map((i) => i.status), ["failed", "not-attempted"]);
      service.setRole("contributor");

      const steps = session.steps().length;
      const report = await incidents.writeBack(DEMO_INCIDENT_ID, session, {
        report: "reports/wb.html",
        status: "Closed",
        classification: "TruePositive",
        classificationReason: "SuspiciousActivity",
        watchlist: "casefile-iocs",
      });
      assert.deepEqual(report.items.map((i) => [i.kind, i.status]), [
        ["bookmark", "written"],
        ["comment", "written"],
        ["watchlist", "written"],
        ["watchlist-item", "written"],
        ["watchlist-item", "written"],
        ["watchlist-item", "written"],
        ["incident", "written"],
      ]);
      assert.equal(session.steps().length, steps);
      const [bookmark] = service.bookmarks();
      assert.match(bookmark.properties.query as string, /ResultType == "0"/);
      // One row: the victim's legacy sign-in from the attacker (ANSWERS.md stage 2).
      const result = JSON.parse(bookmark.properties.queryResult as string);
      assert.equal(result.rows, 1);
      assert.equal(result.sample[0].UserPrincipalName, VICTIM);
      assert.equal(result.sample[0].IPAddress, ATTACKER);
      const [comment] = service.comments(DEMO_INCIDENT_ID);
      assert.match(comment.properties.message as string, /The spray's one success/);
      assert.match(comment.properties.message as string, /reports\/wb\.html/);
      const incident = service.incident(DEMO_INCIDENT_ID)!;
      assert.equal(incident.properties.status, "Closed");
      assert.equal(incident.properties.classification, "TruePositive");
      assert.deepEqual(
        service.watchlistItems("casefile-iocs").map((i) =>
          (i.properties.itemsKeyValue as Record<string, string>).Indicator
        ).sort(),
        [...SPRAY_SOURCES].sort(),
      );

      // The session's etag is now stale (the incident was changed): 412, nothing overwritten.
      const conflict = await incidents.writeBack(DEMO_INCIDENT_ID, session, {
        bookmarks: false,
        comment: false,
        status: "Active",
      }).catch((e) => e);
      assert.ok(conflict instanceof WriteBackError);
      assert.ok(conflict.cause instanceof IncidentConflictError);
      assert.equal(conflict.status, 412);
      assert.equal(service.incident(DEMO_INCIDENT_ID)!.properties.status, "Closed");
    } finally {
      await session.close();
    }
  });
});

Deno.test("a write-back failing on the 2nd of 3 writes says what was and was not written", async () => {
  await withArm(async (service, env) => {
    const { incidents, session } = await findingSession(service, env);
    try {
      service.inject({ status: 500, code: "InternalServerError", message: "Boom" }, {
        method: "PUT",
        pathIncludes: "/comments/",
      });
      const before = session.steps().length;
      const error = await incidents.writeBack(DEMO_INCIDENT_ID, session, {
        status: "Closed",
        classification: "TruePositive",
      }).catch((e) => e);
      assert.ok(error instanceof WriteBackError, String(error));
      assert.deepEqual(error.items.map((i) => [i.kind, i.status]), [
        ["bookmark", "written"],
        ["comment", "failed"],
        ["incident", "not-attempted"],
      ]);
      assert.match(error.message, /written: bookmark/);
      assert.match(error.message, /not-attempted: incident/);
      assert.match(error.hint!, /1 of 3 items were written/);
      assert.equal(session.steps().length, before);
      assert.equal(service.bookmarks().length, 1);
      assert.equal(service.comments(DEMO_INCIDENT_ID).length, 0);
      assert.equal(service.incident(DEMO_INCIDENT_ID)!.properties.status, "New");

      // Written again: the bookmark is replaced, not doubled.
      await incidents.writeBack(DEMO_INCIDENT_ID, session, {
        status: "Closed",
        classification: "TruePositive",
      });
      assert.equal(service.bookmarks().length, 1);
      assert.equal(service.comments(DEMO_INCIDENT_ID).length, 1);
    } finally {
      await session.close();
    }
  });
});
