/**
 * Review fixes of the Sentinel incidents client: several statuses with a limit still find
 * the answer key's two open incidents (fixtures/demo-case/ANSWERS.md: the intrusion 1010
 * and the consent phishing 1005), a bookmark's notes start with the finding's note or the
 * session line (never blank lines), and a watchlist alias is one path segment.
 */
import assert from "node:assert/strict";
import { openIncidents } from "../../src/providers/sentinel/mod.ts";
import { planWrites } from "../../src/providers/sentinel/_incident_writeback.ts";
import { startArmService } from "../twins/arm/mod.ts";

Deno.test("several statuses with a limit keep paging until that many are kept", async () => {
  const service = await startArmService({ pageSize: 4 });
  try {
    const incidents = await openIncidents({
      workspaceResource: service.workspaceResourceId,
      endpoint: service.endpoint,
      caCertificates: [service.caCertificate],
      credential: {
        getToken: () =>
          Promise.resolve({ token: service.token, expiresOnTimestamp: Date.now() + 60_000 }),
      },
      env: () => undefined,
    });
    const open = await incidents.list({ status: ["New", "Active"], limit: 2 });
    assert.deepEqual(open.getColumn("IncidentNumber").toArray(), [1010, 1005]);
  } finally {
    await service.close();
  }
});

function session(note: string | undefined) {
  return {
    name: "s1",
    steps: () => [{
      record: { position: 3, name: "spray", kind: "query", code: "T", status: "ok" },
      mark: "finding",
      ...(note === undefined ? {} : { note }),
    }],
    value: () => undefined,
    paramValues: () => ({}),
  };
}

Deno.test("a bookmark's notes have no leading blank lines; an alias is one path segment", async () => {
  const incident = { name: "i1", title: "T", severity: "High", status: "New" };
  const plan = await planWrites({
    base: "/w",
    incident,
    session: session(undefined),
    bookmarks: true,
    comment: false,
    watchlist: { alias: "ops/iocs #1", indicators: [{ type: "ip", value: "203.0.113.45" }] },
    sampleRows: 5,
  });
  const notes = (plan[0].body as { properties: { notes: string } }).properties.notes;
  assert.equal(notes, "From casefile session s1, step 3 (spray).");
  assert.equal(plan[1].path, "/w/watchlists/ops%2Fiocs%20%231");
  assert.match(plan[2].path, /^\/w\/watchlists\/ops%2Fiocs%20%231\/watchlistItems\/[0-9a-f-]{36}$/);
  assert.equal(plan[1].name, "ops/iocs #1");
  const noted = await planWrites({
    base: "/w",
    incident,
    session: session("The spray's one success"),
    bookmarks: true,
    comment: false,
    sampleRows: 5,
  });
  assert.equal(
    (noted[0].body as { properties: { notes: string } }).properties.notes,
    "The spray's one success\n\nFrom casefile session s1, step 3 (spray).",
  );
});
