/**
 * Planted bug the suite let through (issue 23), the session report: a cell is cut only
 * when it is longer than `cellWidth` characters; one of exactly that width is shown whole.
 * Lengths counted by hand.
 */
import assert from "node:assert/strict";
import { exportReport } from "../../src/session/export_report.ts";
import { openSession } from "../../src/session/session.ts";
import { openLocalProvider } from "../../src/providers/mod.ts";
import { tempFolder } from "../_helpers.ts";

Deno.test("exportReport(): a cell of exactly cellWidth characters is whole; one longer is cut with …", async () => {
  const home = await tempFolder();
  const session = await openSession("widths", { home, provider: await openLocalProvider() });
  try {
    // 10 characters, and 11.
    await session.query("cells", `print Ten = "0123456789", Eleven = "0123456789A"`);
    for (const format of ["markdown", "html"] as const) {
      const text = await exportReport(session, { format, cellWidth: 10 });
      // The result table's one row: Ten whole, Eleven cut to 9 characters and an ellipsis.
      const row = format === "markdown"
        ? "| 0123456789 | 012345678… |"
        : "<tr><td>0123456789</td><td>012345678…</td></tr>";
      assert.ok(text.includes(row), `${format}: ${row}`);
    }
  } finally {
    await session.close();
  }
});
