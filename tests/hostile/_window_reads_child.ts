/**
 * A process that checks the values of the Parquet files it is given (Deno.args) twice, first
 * within a window of January 2, 2026 then without one, and prints the bytes each read
 * (/proc/self/io's rchar; run with POLARS_FORCE_ASYNC=1 so Polars reads through read()).
 */
import { guardScan, scanTable } from "../../src/data/scan.ts";

const read = () => Number(/rchar:\s+(\d+)/.exec(Deno.readTextFileSync("/proc/self/io"))![1]);
const table = await scanTable(Deno.args);
if (!table.unverified) throw new Error("the files should be unhashed");
await guardScan(table); // page headers of every file: not what is measured
const from = BigInt(Date.UTC(2026, 0, 2)) * 1000n;
const columns = ["TimeGenerated", "Bytes"];
let before = read();
await guardScan(table, {
  columns,
  window: { column: "TimeGenerated", from, to: from + 86_400_000_000n - 1n },
});
const inWindow = read() - before;
before = read();
await guardScan(table, { columns });
console.log(JSON.stringify({ inWindow, rest: read() - before }));
