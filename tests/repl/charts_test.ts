import assert from "node:assert/strict";
import { join } from "node:path";
import { openInViewer } from "../../repl/_charts.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test("a chart is opened with the desktop's viewer only in a graphical session", async () => {
  const dir = await tempFolder();
  const marker = join(dir, "opened");
  const viewer = join(dir, "xdg-open");
  await Deno.writeTextFile(viewer, `#!/bin/sh\necho "$1" > "${marker}"\n`, { mode: 0o755 });
  const saved = { PATH: Deno.env.get("PATH"), DISPLAY: Deno.env.get("DISPLAY") };
  try {
    Deno.env.set("PATH", `${dir}:${saved.PATH}`);
    Deno.env.delete("DISPLAY");
    Deno.env.delete("WAYLAND_DISPLAY");
    assert.equal(openInViewer("/tmp/chart.html"), false, "no graphical session: not opened");
    Deno.env.set("DISPLAY", ":0");
    assert.equal(openInViewer("/tmp/chart.html"), true);
    const deadline = Date.now() + 10_000;
    let opened = "";
    while (Date.now() < deadline) {
      opened = await Deno.readTextFile(marker).catch(() => "");
      if (opened) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.equal(opened.trim(), "/tmp/chart.html");
  } finally {
    Deno.env.set("PATH", saved.PATH!);
    if (saved.DISPLAY) Deno.env.set("DISPLAY", saved.DISPLAY);
    else Deno.env.delete("DISPLAY");
  }
});
