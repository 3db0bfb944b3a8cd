/**
 * The first line and header of an exported script, written out by hand from the rules in
 * exportScript()'s documentation: least-privilege `deno run` flags per provider and
 * credential, paths from CASEFILE_DIR / CASEFILE_HOME / CASEFILE_DATA, the short flag names
 * when the long ones do not fit in the 255 bytes Linux reads of a `#!` line, and the note
 * saying how to run a script whose first line is still too long.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { param } from "../../src/session/params.ts";
import { exportScript } from "../../src/session/export_script.ts";
import { openSession } from "../../src/session/session.ts";
import { openSentinelProvider } from "../../src/providers/sentinel/sentinel_provider.ts";
import { openLocalProvider } from "../../src/providers/local/local_provider.ts";
import { openAdxProvider } from "../../src/providers/adx/adx_provider.ts";
import { openXdrProvider } from "../../src/providers/xdr/xdr_provider.ts";
import { OptionError, optionSpecsOf } from "../../src/options.ts";
import { tempFolder } from "../_helpers.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const WORKSPACE = "7e0b1c52-6a3f-4d5e-9b1a-2f4c8d9e0a11";
const bytes = (line: string) => new TextEncoder().encode(line).length;

async function sentinelFirstLines(
  options: Parameters<typeof openSentinelProvider>[0],
): Promise<{ first: string; script: string }> {
  const provider = await openSentinelProvider({
    workspace: WORKSPACE,
    env: () => undefined,
    ...options,
  });
  const session = await openSession("remote", { home: await tempFolder(), provider });
  try {
    const script = await exportScript(session);
    return { first: script.split("\n")[0], script };
  } finally {
    await session.close();
  }
}

Deno.test("exportScript() first line for the demo case: read casefile and home, write home, sys for Polars and the lock", async () => {
  const session = await openSession("demo", {
    home: await tempFolder(),
    provider: await openLocalProvider(),
  });
  await session.query("alerts", "SecurityAlert | take 2");
  const script = await exportScript(session);
  await session.close();
  const first = script.split("\n")[0];
  assert.equal(
    first,
    "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json " +
      "--allow-read=${CASEFILE_DIR},${CASEFILE_HOME} --allow-write=${CASEFILE_HOME} " +
      "--allow-ffi=${CASEFILE_DIR}/node_modules --allow-sys=cpus,networkInterfaces,hostname " +
      "--allow-env",
  );
  for (
    const line of [
      "//   CASEFILE_DIR=~/casefile CASEFILE_HOME=~/.casefile ./demo.ts",
      "// or from a casefile checkout, which fills those in: deno task casefile run demo.ts",
      "// 1 of 1 steps kept (failed steps, and dead ends no kept step reads, dropped).",
      "//   read   casefile (its code, Polars' native library), the casefile home",
      "//   sys    cpus (Polars' threads), network interfaces and hostname (the session lock)",
      "//   --home DIR, --session NAME, --keep, --help; parameters: none",
    ]
  ) {
    assert.ok(script.split("\n").includes(line), line);
  }
  assert.ok(!script.includes("CASEFILE_DATA"));
  assert.ok(!script.includes("longer than Linux reads"));
  // One provider: no table of providers, and the steps' function takes the session only.
  assert.ok(script.includes("}, async (session) => {"));
  assert.ok(!script.includes("providers"));
});

Deno.test("exportScript() first line for a folder of data also reads CASEFILE_DATA, and says so", async () => {
  const data = await tempFolder({
    "Alerts.csv": "TimeGenerated,Name\n2026-03-12T01:47:13Z,one\n2026-03-12T02:00:00Z,two\n",
  });
  const session = await openSession("folder", {
    home: await tempFolder(),
    provider: await openLocalProvider(data),
  });
  await session.query("alerts", "Alerts | take 1");
  const script = await exportScript(session);
  await session.close();
  assert.equal(
    script.split("\n")[0],
    "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json " +
      "--allow-read=${CASEFILE_DIR},${CASEFILE_HOME},${CASEFILE_DATA} --allow-write=${CASEFILE_HOME} " +
      "--allow-ffi=${CASEFILE_DIR}/node_modules --allow-sys=cpus,networkInterfaces,hostname " +
      "--allow-env",
  );
  const folder = data.split("/").at(-1);
  const lines = script.split("\n");
  assert.ok(
    lines.includes(
      `//   CASEFILE_DIR=~/casefile CASEFILE_HOME=~/.casefile CASEFILE_DATA=path/to/${folder} ./folder.ts`,
    ),
  );
  assert.ok(
    lines.includes(
      "// CASEFILE_DATA is the folder of data the session read; unset, Deno stops with",
    ),
  );
  assert.ok(
    lines.includes(
      "//   read   casefile (its code, Polars' native library), the casefile home, the data",
    ),
  );
  assert.match(script, new RegExp(`provider: \\{ kind: "local", data: "${folder}" \\}`));
});

Deno.test("exportScript() first line for Sentinel: its hosts, the sign-in tools of its credential, short names", async () => {
  const head = "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json " +
    "-R=${CASEFILE_DIR},${CASEFILE_HOME},${HOME}/.config/casefile -W=${CASEFILE_HOME} " +
    "--allow-ffi=${CASEFILE_DIR}/node_modules -S -E ";
  const hosts = "api.loganalytics.io,login.microsoftonline.com";
  const cli = await sentinelFirstLines({ credential: "azure-cli" });
  assert.equal(cli.first, `${head}-N=${hosts} --allow-run=az`);
  assert.equal(bytes(cli.first), 253);
  assert.ok(!cli.script.includes("longer than Linux reads"));
  const defaults = await sentinelFirstLines({ credential: "default" });
  assert.equal(defaults.first, `${head}-N=${hosts},169.254.169.254 --allow-run=az,azd,pwsh`);
  const unset = await sentinelFirstLines({});
  assert.equal(unset.first, defaults.first);
  const browser = await sentinelFirstLines({ credential: "interactive-browser" });
  assert.equal(browser.first, `${head}-N=${hosts},localhost --allow-run=xdg-open,open`);
  // Still too long for Linux (278 bytes): the header says how to run it.
  assert.equal(bytes(defaults.first), 278);
  const flags = defaults.first.slice("#!/usr/bin/env -S deno run ".length);
  const lines = defaults.script.split("\n");
  assert.ok(lines.includes("// The first line is longer than Linux reads (255 bytes): run it as"));
  assert.ok(lines.includes(`//   deno run ${flags} remote.ts`));
  for (
    const line of [
      "//   read   casefile (its code, Polars' native library), the casefile home, the Sentinel config folder",
      "//   sys    all: the Azure SDK and TLS ask for OS details --allow-sys cannot name",
      "//   net    the workspace's query API and sign-in hosts only",
      "//   run    the sign-in tools the credential may call",
    ]
  ) {
    assert.ok(lines.includes(line), line);
  }
});

Deno.test("exportScript() keeps a first line of exactly 255 bytes as it is, and notes one of 256", async () => {
  // The query host replaces api.loganalytics.io (19 characters) in the 253-byte line above.
  const at255 = await sentinelFirstLines({
    credential: "azure-cli",
    endpoint: "https://lax.example.test:8443",
  });
  assert.equal(bytes(at255.first), 255);
  assert.ok(!at255.script.includes("longer than Linux reads"));
  const at256 = await sentinelFirstLines({
    credential: "azure-cli",
    endpoint: "https://laxx.example.test:8443",
  });
  assert.equal(bytes(at256.first), 256);
  assert.ok(
    at256.script.includes("// The first line is longer than Linux reads (255 bytes): run it as"),
  );
});

Deno.test("exportScript({ path }) writes the script private and executable, named in its header", async () => {
  const session = await openSession("written", {
    home: await tempFolder(),
    provider: await openLocalProvider(),
  });
  await session.query("alerts", "SecurityAlert | take 2");
  const path = join(await tempFolder(), "hunt.ts");
  const text = await exportScript(session, { path });
  assert.equal(await Deno.readTextFile(path), text);
  assert.equal((await Deno.stat(path)).mode! & 0o777, 0o700);
  assert.ok(
    text.split("\n").includes("//   CASEFILE_DIR=~/casefile CASEFILE_HOME=~/.casefile ./hunt.ts"),
  );
  await assert.rejects(
    () => exportScript(session, { file: path } as never),
    (e: unknown) =>
      e instanceof OptionError &&
      e.message === "exportScript: unknown option `file`. Did you mean `path`?",
  );
  assert.deepEqual(Object.keys(optionSpecsOf("exportScript") ?? {}), ["path"]);
  await session.close();
});

/** The first line and the replay's provider object of a session on `provider`. */
async function exported(provider: unknown): Promise<{ first: string; replay: string }> {
  const session = await openSession("live", {
    home: await tempFolder(),
    provider: provider as never,
  });
  try {
    const script = await exportScript(session);
    const replay = /provider: (\{[^}]*\})/.exec(script)?.[1].replace(/\s+/g, " ") ?? "";
    return { first: script.split("\n")[0], replay };
  } finally {
    await session.close();
  }
}

Deno.test("exportScript() first line for Azure Data Explorer: the cluster, sign-in hosts and tools", async () => {
  const head = "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json " +
    "-R=${CASEFILE_DIR},${CASEFILE_HOME} -W=${CASEFILE_HOME} " +
    "--allow-ffi=${CASEFILE_DIR}/node_modules -S -E ";
  const open = (credential: "azure-cli" | "default") =>
    openAdxProvider({
      cluster: "https://help.kusto.windows.net",
      database: "Samples",
      credential,
      env: () => undefined,
    });
  const cli = await exported(await open("azure-cli"));
  assert.equal(
    cli.first,
    `${head}-N=help.kusto.windows.net,login.microsoftonline.com --allow-run=az`,
  );
  assert.equal(
    cli.replay,
    '{ kind: "adx", cluster: "https://help.kusto.windows.net", database: "Samples", credential: "azure-cli", }',
  );
  const defaults = await exported(await open("default"));
  assert.equal(
    defaults.first,
    `${head}-N=help.kusto.windows.net,login.microsoftonline.com,169.254.169.254 --allow-run=az,azd,pwsh`,
  );
});

Deno.test("exportScript() first line for Defender XDR: its endpoint, and each credential's tools", async () => {
  const head = "#!/usr/bin/env -S deno run --config=${CASEFILE_DIR}/deno.json " +
    "-R=${CASEFILE_DIR},${CASEFILE_HOME} -W=${CASEFILE_HOME} " +
    "--allow-ffi=${CASEFILE_DIR}/node_modules -S -E -N=graph.microsoft.com,login.microsoftonline.com";
  const open = (credential: "azure-cli" | "default" | "interactive-browser") =>
    openXdrProvider({ credential, env: () => undefined });
  const cli = await exported(await open("azure-cli"));
  assert.equal(cli.first, `${head} --allow-run=az`);
  assert.equal(cli.replay, '{ kind: "xdr", cloud: "public", credential: "azure-cli" }');
  assert.equal(
    (await exported(await open("default"))).first,
    `${head},169.254.169.254 --allow-run=az,azd,pwsh`,
  );
  assert.equal(
    (await exported(await open("interactive-browser"))).first,
    `${head},localhost --allow-run=xdg-open,open`,
  );
});

Deno.test("an exported step that reads `params` and `provider` replays: the script declares both", async () => {
  const home = await tempFolder();
  const session = await openSession("reads", {
    home,
    provider: await openLocalProvider(),
    params: { code: param.string("50126") },
  });
  await session.run("code", "const code = params.code + ':' + provider.kind");
  const path = join(await tempFolder(), "reads.ts");
  const script = await exportScript(session, { path });
  await session.close();
  const lines = script.split("\n").map((l) => l.trim());
  assert.ok(lines.includes("const params = session.params;"));
  assert.ok(lines.includes("const provider = session.provider!;"));
  // Run as a person would: by its first line, from another folder.
  const out = await new Deno.Command(path, {
    cwd: await tempFolder(),
    env: {
      NO_COLOR: "1",
      CASEFILE_DIR: REPO,
      CASEFILE_HOME: await tempFolder(),
      PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? ""}`,
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, text);
});
