/**
 * Charts inline in the terminal (issue 19, item 1): in a terminal that says it shows images
 * (kitty: `TERM=xterm-kitty`; iTerm2: `TERM_PROGRAM=iTerm.app`), `timeChart` typed at the
 * REPL writes the chart as that terminal's escape sequence, and the image in it is a PNG
 * that decodes; a terminal that says nothing of images, and piped output, get none of it.
 *
 * The REPL runs in a pseudo-terminal made by `script` (tmux would hide the sequence: the
 * REPL draws no image inside tmux, which needs passthrough). What is checked is written by
 * hand from the protocols' documents: kitty's graphics protocol (APC `ESC _ G` keys `;`
 * base64 `ESC \`, chunks of at most 4096 bytes, `m=1` on all but the last) and iTerm2's
 * inline images (OSC `1337;File=` args `:` base64 BEL), and from the PNG specification (the
 * signature, IHDR, IDAT that inflates to one filter byte plus the pixels per row, IEND).
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { inflateSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { pipeRepl } from "./_piped.ts";
import { tempFolder } from "../_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const ignore = (await new Deno.Command("sh", { args: ["-c", "command -v script"] }).output())
  .code !== 0;

const QUERY = "%kql daily = SigninLogs | summarize n = count() by bin(TimeGenerated, 1d)";
const CHART = 'timeChart(daily, { title: "Sign-ins a day" })';
/** The prompt at the end of what was written (readline then moves the cursor after it). */
// deno-lint-ignore no-control-regex
const PROMPT = /img> (\x1b\[\d+G)?$/;

/**
 * The REPL in a pseudo-terminal with `env` added; types `QUERY` then `CHART` and returns
 * everything it wrote until it says where the chart was drawn and shows the prompt again.
 */
async function chartInTerminal(env: Record<string, string>): Promise<string> {
  const home = await tempFolder();
  // A screen of 160x50 (a new pseudo-terminal has none: every table would go to the pager).
  const command = `stty cols 160 rows 50; ${Deno.execPath()} run --allow-all repl/main.ts ` +
    `repl --home ${home} --session img`;
  const child = new Deno.Command("script", {
    args: ["-qfec", command, "/dev/null"],
    cwd: REPO,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
    // Not inside tmux (the test itself may be): the REPL would draw nothing there.
    env: { NO_COLOR: "1", TMUX: "", TERM: "xterm-256color", TERM_PROGRAM: "", ...env },
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const writer = child.stdin.getWriter();
  let screen = "";
  const until = async (pattern: RegExp, from: number) => {
    while (!pattern.test(screen.slice(from))) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the REPL ended before ${pattern}:\n${screen}`);
      screen += value;
    }
  };
  const type = (line: string) => writer.write(new TextEncoder().encode(`${line}\r`));
  const deadline = setTimeout(() => child.kill("SIGKILL"), 60_000);
  try {
    await until(PROMPT, 0);
    await type(QUERY);
    await until(/daily · step 1[^\n]*\n[\s\S]*img> /, 0);
    const from = screen.length;
    await type(CHART);
    await until(/chart: timechart drawn to [\s\S]*img> /, from);
    await type(".quit");
    await until(/saved; resume it with/, from);
    return screen.slice(from);
  } finally {
    clearTimeout(deadline);
    try {
      child.kill("SIGKILL");
    } catch {
      // It ended already.
    }
    await reader.cancel().catch(() => {});
    await writer.close().catch(() => {});
    await child.status;
  }
}

/** The PNG's width and height, after checking it is one that decodes (see the module doc). */
function decodePng(png: Uint8Array): { width: number; height: number } {
  const bytes = Buffer.from(png);
  assert.deepEqual([...bytes.subarray(0, 8)], [137, 80, 78, 71, 13, 10, 26, 10], "signature");
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let width = 0, height = 0, bitDepth = 0, colorType = 0;
  for (let at = 8; at < bytes.length;) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString("latin1", at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    chunks.push(type);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      bitDepth = data[8];
      colorType = data[9];
    }
    if (type === "IDAT") idat.push(data);
    at += 12 + length;
  }
  assert.equal(chunks[0], "IHDR");
  assert.equal(chunks.at(-1), "IEND");
  // Channels by colour type: 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA.
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  assert.ok(channels !== undefined && bitDepth === 8, `colour type ${colorType}, ${bitDepth} bits`);
  const pixels = inflateSync(Buffer.concat(idat));
  assert.equal(pixels.length, height * (1 + width * channels), "IDAT holds every row");
  return { width, height };
}

/** The base64 payload of `b64` as bytes. */
function fromBase64(b64: string): Uint8Array {
  assert.match(b64, /^[A-Za-z0-9+/]+=*$/);
  return new Uint8Array(Buffer.from(b64, "base64"));
}

Deno.test({
  name: "REPL in kitty: timeChart writes kitty graphics commands holding a PNG",
  ignore,
  async fn() {
    const out = await chartInTerminal({ TERM: "xterm-kitty" });
    // deno-lint-ignore no-control-regex
    const commands = [...out.matchAll(/\x1b_G([^;\x1b]*);([^\x1b]*)\x1b\\/g)];
    assert.ok(commands.length > 1, "a chart's PNG takes more than one 4096-byte chunk");
    assert.equal(commands[0][1], "a=T,f=100,q=2,m=1"); // transmit and show, PNG, no answer
    for (const c of commands.slice(1, -1)) assert.equal(c[1], "m=1");
    assert.equal(commands.at(-1)![1], "m=0");
    for (const c of commands.slice(0, -1)) assert.equal(c[2].length, 4096);
    const { width, height } = decodePng(fromBase64(commands.map((c) => c[2]).join("")));
    assert.ok(width > 100 && height > 100, `${width}x${height}`);
    assert.ok(!out.includes("\x1b]1337;"), "no iTerm2 image");
  },
});

Deno.test({
  name: "REPL in iTerm2: timeChart writes an OSC 1337 File= inline image holding a PNG",
  ignore,
  async fn() {
    const out = await chartInTerminal({ TERM_PROGRAM: "iTerm.app" });
    // deno-lint-ignore no-control-regex
    const images = [...out.matchAll(/\x1b\]1337;File=([^:\x07]*):([^\x07]*)\x07/g)];
    assert.equal(images.length, 1);
    const args = Object.fromEntries(images[0][1].split(";").map((kv) => kv.split("=", 2)));
    assert.equal(args.inline, "1");
    assert.equal(new TextDecoder().decode(fromBase64(args.name)), "timechart.png");
    const png = fromBase64(images[0][2]);
    assert.equal(Number(args.size), png.length);
    const { width, height } = decodePng(png);
    assert.ok(width > 100 && height > 100, `${width}x${height}`);
    assert.ok(!out.includes("\x1b_G"), "no kitty image");
  },
});

Deno.test({
  name: "REPL in a terminal that says nothing of images: the chart is a file, no sequence",
  ignore,
  async fn() {
    const out = await chartInTerminal({ TERM: "xterm-256color" });
    assert.match(out, /chart: timechart drawn to \S+\.svg/);
    assert.ok(!out.includes("\x1b_G") && !out.includes("\x1b]1337;"), "no image");
  },
});

Deno.test("piped REPL in kitty or iTerm2: the chart is a file, the output has no image", async () => {
  const terminals: Record<string, string>[] = [{ TERM: "xterm-kitty" }, {
    TERM_PROGRAM: "iTerm.app",
  }];
  for (const env of terminals) {
    const run = await pipeRepl(await tempFolder(), "img", [QUERY, CHART], {
      env: { ...env, TMUX: "" },
    });
    assert.match(run.stdout, /chart: timechart drawn to \S+\.svg/, JSON.stringify(env));
    const all = run.stdout + run.stderr;
    assert.ok(!all.includes("\x1b_G") && !all.includes("\x1b]"), "no image, no OSC");
  }
});
