/**
 * The incident client's bearer token stays with Resource Manager, and a request that gets no
 * answer ends: a `nextLink` to another origin is refused before anything is sent to it (the
 * loopback ARM twin told to link elsewhere, a second twin standing in for "elsewhere" and
 * recording what reaches it), and a service that accepts the connection but never answers,
 * or a sign-in that never ends, fails with an error naming the request and the timeout.
 */
import assert from "node:assert/strict";
import { IncidentError, openIncidents } from "../../src/providers/sentinel/mod.ts";
import { startArmService } from "../twins/arm/mod.ts";

const WORKSPACE = "/subscriptions/0e4d9b62-7a1f-4c83-b5e2-91f7c6d8a3b0/resourceGroups/rg-secops" +
  "/providers/Microsoft.OperationalInsights/workspaces/law-larkspur-sentinel";

function tokenOf(token: string) {
  return { getToken: () => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }) };
}

Deno.test("a nextLink to another origin is refused and nothing reaches that origin", async () => {
  const elsewhere = await startArmService();
  const service = await startArmService({ pageSize: 4, nextLinkOrigin: elsewhere.endpoint });
  try {
    const incidents = await openIncidents({
      workspaceResource: service.workspaceResourceId,
      endpoint: service.endpoint,
      caCertificates: [service.caCertificate, elsewhere.caCertificate],
      credential: tokenOf(service.token),
      env: () => undefined,
    });
    const error = await incidents.list().then(
      () => assert.fail("a foreign nextLink was followed"),
      (e) => e,
    );
    assert.ok(error instanceof IncidentError, String(error));
    assert.ok(
      error.message.startsWith(
        `Refused to follow a link to ${elsewhere.endpoint} (GET /incidents)`,
      ),
      error.message,
    );
    assert.match(error.hint ?? "", /nothing was sent/);
    assert.equal(elsewhere.requests.length, 0, "no request, so no token, reached the other origin");
    assert.equal(service.requests.length, 1, "the first page was read from the endpoint");
  } finally {
    await service.close();
    await elsewhere.close();
  }
});

Deno.test("a service that never answers, or a sign-in that never ends, times out naming the request", async () => {
  // Accepts TLS connections' bytes and never answers (a hung proxy or service).
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const held: Deno.Conn[] = [];
  const accepting = (async () => {
    for await (const conn of listener) held.push(conn);
  })();
  const endpoint = `https://127.0.0.1:${(listener.addr as Deno.NetAddr).port}`;
  try {
    const hung = await openIncidents({
      workspaceResource: WORKSPACE,
      endpoint,
      credential: tokenOf("t"),
      env: () => undefined,
      timeoutMs: 300,
    });
    await assert.rejects(hung.list(), (e: Error) => {
      assert.ok(e instanceof IncidentError, String(e));
      assert.equal(
        e.message,
        "No answer from Azure Resource Manager within 300 ms (GET /incidents)",
      );
      assert.match(e.hint ?? "", /timeoutMs/);
      return true;
    });
    await assert.rejects(hung.open("d1e91529-2e60-4a66-92c5-8a02ad2960e4"), (e: Error) => {
      assert.match(
        e.message,
        /within 300 ms \(GET \/incidents\/d1e91529-2e60-4a66-92c5-8a02ad2960e4\)$/,
      );
      return true;
    });

    const neverSignsIn = await openIncidents({
      workspaceResource: WORKSPACE,
      endpoint,
      credential: { getToken: () => new Promise(() => {}) },
      env: () => undefined,
      timeoutMs: 250,
    });
    await assert.rejects(neverSignsIn.list(), /within 250 ms \(GET \/incidents\)/);

    await assert.rejects(
      openIncidents({ workspaceResource: WORKSPACE, credential: tokenOf("t"), timeoutMs: 0 }),
      /timeoutMs must be a positive number/,
    );
  } finally {
    listener.close();
    await accepting.catch(() => {});
    for (const conn of held) conn.close();
  }
});

Deno.test("a timeout past setTimeout's 2^31 - 1 ms, or Infinity, waits rather than failing at once", async () => {
  const service = await startArmService();
  try {
    for (const timeoutMs of [3_000_000_000, Infinity]) {
      const incidents = await openIncidents({
        workspaceResource: service.workspaceResourceId,
        endpoint: service.endpoint,
        caCertificates: [service.caCertificate],
        credential: tokenOf(service.token),
        env: () => undefined,
        timeoutMs,
      });
      // Before the fix: "No answer from Azure Resource Manager within Infinity d".
      await incidents.list();
    }
    assert.equal(service.requests.length, 2);
  } finally {
    await service.close();
  }
});
