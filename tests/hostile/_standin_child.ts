/**
 * A process that makes a stand-in copy of the damaged Parquet file it is given (Deno.args[0]),
 * says the copy's name on stdout, and holds it until its stdin closes: the stand-in test
 * kills one such process and lets another end.
 */
import { guardScan, scanTable } from "../../src/data/scan.ts";

const table = await scanTable(Deno.args[0]);
if (!(await guardScan(table))) throw new Error("no stand-in was needed");
const dir = Deno.env.get("TMPDIR") ?? "/tmp";
const mine = [...Deno.readDirSync(dir)].map((e) => e.name)
  .filter((name) => name.startsWith(`casefile_standin_${Deno.pid}_`));
console.log(mine.join(" "));
for await (const _ of Deno.stdin.readable) {
  // hold until stdin closes
}
