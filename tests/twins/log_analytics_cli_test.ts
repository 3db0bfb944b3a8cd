/**
 * The loopback Log Analytics service's command line (`deno task loganalytics`): faults, app
 * registrations and token lifetime set by flags, checked on the wire as a client sees them.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEMO_WORKSPACE_ID } from "./log_analytics/mod.ts";

const MAIN = join(dirname(fileURLToPath(import.meta.url)), "log_analytics", "main.ts");
const APP = "0a9b8c7d-6e5f-4a3b-8c2d-1e0f9a8b7c6d";

/** Starts the service with `args` and reads its banner up to "Serving until Ctrl-C.". */
async function start(args: string[]) {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0", ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let banner = "";
  while (!banner.includes("Serving until Ctrl-C.")) {
    const { value, done } = await reader.read();
    if (done) break;
    banner += value;
  }
  const field = (name: string) => new RegExp(`^  ${name}\\s+(\\S+)`, "m").exec(banner)?.[1] ?? "";
  const endpoint = field("endpoint");
  const client = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(field("CA file"))] });
  return {
    banner,
    endpoint,
    token: field("token"),
    tenant: field("tenant"),
    client,
    async stop() {
      client.close();
      child.kill("SIGTERM");
      await reader.cancel();
      await child.stderr.cancel();
      await child.status;
    },
  };
}

Deno.test("the twin's command line queues faults: a 429 with Retry-After, then the answer", async () => {
  const twin = await start(["--fault", "throttle=7,times=2,match=SecurityAlert"]);
  try {
    assert.match(
      twin.banner,
      /throttle retryAfterSeconds=7 for 2 queries including "SecurityAlert"/,
    );
    const ask = (query: string) =>
      fetch(`${twin.endpoint}/v1/workspaces/${DEMO_WORKSPACE_ID}/query`, {
        method: "POST",
        headers: { authorization: `Bearer ${twin.token}`, "content-type": "application/json" },
        body: JSON.stringify({ query }),
        client: twin.client,
      });
    // Another query is not matched; the two SecurityAlert queries are throttled, the third runs.
    const other = await ask("SigninLogs | take 1");
    assert.equal(other.status, 200);
    await other.body?.cancel();
    for (let i = 0; i < 2; i++) {
      const throttled = await ask("SecurityAlert | count");
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers.get("retry-after"), "7");
      assert.equal((await throttled.json()).error.code, "ThrottledError");
    }
    const answered = await ask("SecurityAlert | count");
    assert.equal(answered.status, 200);
    assert.deepEqual((await answered.json()).tables[0].rows, [[15]]);
  } finally {
    await twin.stop();
  }
});

Deno.test("the twin's command line registers apps and sets the tokens' lifetime", async () => {
  const twin = await start(["--app", `${APP},secret=s3cret-value`, "--token-lifetime", "120"]);
  try {
    assert.match(twin.banner, new RegExp(`app\\s+${APP}\\s+\\(client secret\\)`));
    assert.ok(!twin.banner.includes("s3cret-value"), "the secret is not printed");
    const grant = (secret: string) =>
      fetch(`${twin.endpoint}/${twin.tenant}/oauth2/v2.0/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "client_credentials",
          client_id: APP,
          client_secret: secret,
          scope: "https://api.loganalytics.io/.default",
        }),
        client: twin.client,
      });
    const ok = await grant("s3cret-value");
    assert.equal(ok.status, 200);
    assert.equal((await ok.json()).expires_in, 120);
    const wrong = await grant("another");
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error, "invalid_client");
  } finally {
    await twin.stop();
  }
});

Deno.test("the twin's command line refuses a fault it does not know, with the usage", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, "--port", "0", "--fault", "explode"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const err = new TextDecoder().decode(out.stderr);
  assert.match(err, /--fault explode: no fault 'explode'/);
  assert.match(err, /--token-lifetime SECONDS/);
});
