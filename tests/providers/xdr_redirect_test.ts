/**
 * The XDR provider's bearer token goes to the Graph endpoint only: an answer redirecting
 * elsewhere (a broken or hostile proxy) is an error naming where it pointed, and the other
 * origin is never asked. Advanced hunting has no `@odata.nextLink` to follow, and its
 * client-side timeout is tested in xdr_provider_test.ts.
 */
import assert from "node:assert/strict";
import { createTlsMaterial } from "../twins/log_analytics/_certificate.ts";
import { openXdrProvider, XdrResponseError } from "../../src/providers/xdr/mod.ts";

Deno.test("xdr provider does not follow a redirect to another origin with its token", async () => {
  const tls = await createTlsMaterial();
  const reached: string[] = [];
  const elsewhere = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: tls.certificate, key: tls.privateKey, onListen() {} },
    (request) => {
      reached.push(`${request.method} ${new URL(request.url).pathname}`);
      return Response.json({ Schema: [], Results: [] });
    },
  );
  const other = `https://127.0.0.1:${elsewhere.addr.port}`;
  const graph = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: tls.certificate, key: tls.privateKey, onListen() {} },
    (request) =>
      new Response(null, {
        status: 307,
        headers: { location: `${other}${new URL(request.url).pathname}?steal=1` },
      }),
  );
  try {
    const provider = await openXdrProvider({
      endpoint: `https://127.0.0.1:${graph.addr.port}`,
      caCertificates: [tls.caCertificate],
      credential: {
        getToken: () => Promise.resolve({ token: "t0k3n", expiresOnTimestamp: Date.now() + 3.6e6 }),
      },
      env: () => undefined,
    });
    try {
      await assert.rejects(provider.query("DeviceProcessEvents | take 1"), (e: Error) => {
        assert.ok(e instanceof XdrResponseError, String(e));
        assert.equal(
          e.message,
          `Graph answered with a redirect (HTTP 307 to ${other}), which is not followed: the ` +
            "token is sent to the Graph endpoint only",
        );
        return true;
      });
    } finally {
      provider.close();
    }
    assert.deepEqual(reached, [], "nothing reached the other origin");
  } finally {
    await graph.shutdown();
    await elsewhere.shutdown();
  }
});
