#!/usr/bin/env -S deno run --config=/work/main/deno.json --allow-read=/work/main,/tmp/4ef4823deddb96bc --allow-write=/tmp/4ef4823deddb96bc --allow-ffi=/work/main/node_modules --allow-sys=cpus,networkInterfaces,hostname --allow-env
// Replays the casefile session "case1" (exported 2026-11-28T04:14:19.048Z):
// 2 of 2 steps kept (dead ends and failed steps dropped).
//
// Permissions (least privilege; the line above; -R -W -S -E -N are short for these):
//   --allow-read   casefile's node_modules (Polars' native library), the data, the casefile home
//   --allow-write  the casefile home (the replay's journal and the result cache)
//   --allow-ffi    Polars' native library only
//   --allow-sys    cpus (Polars' threads), networkInterfaces and hostname (the session lock)
//   --allow-env    read by the Azure SDK when casefile loads
//
// Usage: case1.ts [flags]
//   --window timerange (default "2026-03-11T00:00:00Z..2026-03-12T00:00:00Z")
//   --code string (default "50126")
//   --refresh   run every query again (fresh results replace cached ones)
//   --no-cache  neither read nor write the result cache
//   --home DIR  the casefile home (default /tmp/4ef4823deddb96bc; must stay inside the folders allowed above)
//   --session NAME  the replay session's name (default case1-replay-<time>)
import { parseArgs } from "node:util";
import {
  CasefileError,
  kql,
  openLocalProvider,
  openSession,
  parseParam,
} from "file:///work/main/mod.ts";

const USAGE =
  'Usage: case1.ts [flags]\n  --window timerange (default "2026-03-11T00:00:00Z..2026-03-12T00:00:00Z")\n  --code string (default "50126")\n  --refresh   run every query again (fresh results replace cached ones)\n  --no-cache  neither read nor write the result cache\n  --home DIR  the casefile home (default /tmp/4ef4823deddb96bc; must stay inside the folders allowed above)\n  --session NAME  the replay session\'s name (default case1-replay-<time>)';

let flags;
try {
  ({ values: flags } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      "window": { type: "string", default: "2026-03-11T00:00:00Z..2026-03-12T00:00:00Z" },
      "code": { type: "string", default: "50126" },
      refresh: { type: "boolean", default: false },
      "no-cache": { type: "boolean", default: false },
      home: { type: "string", default: "/tmp/4ef4823deddb96bc" },
      session: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  }));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  Deno.exit(2);
}
if (flags.help) {
  console.log(USAGE);
  Deno.exit(0);
}
const refresh = flags.refresh;

async function replay(): Promise<void> {
  const stamp = new Date().toISOString().replace(/[-:.]/g, "") + "-" +
    crypto.randomUUID().slice(0, 4);
  const session = await openSession(flags.session ?? `case1-replay-${stamp}`, {
    home: flags.home,
    provider: await openLocalProvider("/work/main/fixtures/demo-case"),
    cache: flags["no-cache"] ? false : undefined,
    params: {
      window: {
        kind: "timerange",
        default: flags["window"] === undefined
          ? undefined
          : parseParam("window", "timerange", flags["window"]),
      },
      code: {
        kind: "string",
        default: flags["code"] === undefined
          ? undefined
          : parseParam("code", "string", flags["code"]),
      },
    },
  });
  try {
    if (session.steps().length > 0) {
      throw new Error(
        `Session ${session.name} already has steps: replay into a new one (--session NAME).`,
      );
    }

    // 1. f (query; 1 rows, sha256 22c92aa1a43023645c67e1937067d54d8f6815b6b24ddeb50f3ea7e94629eb18)
    // Finding: the spray window
    await session.query(
      "f",
      kql`SigninLogs | where ResultType == ${session.params.code} and TimeGenerated between (${session.params.window.start} .. ${session.params.window.end}) | count`,
      { refresh },
    );

    // 2. n (code; json)
    await session.run("n", "const n = f.getColumn('Count').toArray()[0]");

    for (const { record } of session.steps()) {
      const r = record.result;
      const rows = r?.kind === "frame" || r?.kind === "series" ? r.rows : "-";
      const sha = r?.kind === "frame" || r?.kind === "series" ? r.sha256 : "-";
      console.log(`${record.name}\trows=${rows}\tsha256=${sha}\tcache=${record.cache ?? "-"}`);
    }
  } finally {
    await session.close();
  }
}

try {
  await replay();
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  if (error instanceof CasefileError && error.hint) console.error(`hint: ${error.hint}`);
  Deno.exit(1);
}
