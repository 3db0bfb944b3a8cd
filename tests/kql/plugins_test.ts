/**
 * `evaluate` plugins: each documented example with its published output (Microsoft's
 * Kusto documentation, MicrosoftDocs/dataexplorer-docs), and small hand-computed cases
 * where the documentation's examples need tables the tests do not have; the plugins
 * that need an outside service are refused by name. Kusto.Language (the official
 * language definition) is the list every plugin must be on: supported or refused.
 */
import assert from "node:assert/strict";
import "@kusto/language-service-next/bridge.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.js";
import { executeKql, KqlSemanticError, KqlUnsupportedError } from "../../src/kql/mod.ts";
import {
  EXCLUDED_PLUGINS,
  SUPPORTED_PLUGINS,
} from "../../src/kql/compile/operators/_evaluate_plugins.ts";

/** The result's column names and its rows (datetimes as ISO text, dynamic values parsed). */
async function run(query: string) {
  const result = await executeKql(query, { now: new Date("2026-01-01T00:00:00Z") });
  const columns = result.schema.columns;
  const rows = result.frame.toRecords().map((record) =>
    columns.map((c) => {
      const v: unknown = record[c.name];
      if (c.type === "dynamic") return v === null ? null : JSON.parse(v as string);
      if (v instanceof Date) return v.toISOString().replace(".000Z", "Z");
      if (typeof v === "bigint") return Number(v);
      return v;
    })
  );
  return { columns: columns.map((c) => c.name), types: columns.map((c) => c.type), rows };
}

function sorted(rows: unknown[][]): unknown[][] {
  return [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

function close(actual: unknown[][], expected: unknown[][]) {
  assert.equal(actual.length, expected.length, JSON.stringify(actual));
  actual.forEach((row, i) =>
    row.forEach((v, j) => {
      const e = expected[i][j];
      if (typeof e === "number" && typeof v === "number" && !Number.isInteger(e)) {
        assert.ok(Math.abs(v - e) < 1e-9, `row ${i} column ${j}: ${v} vs ${e}`);
      } else assert.deepEqual(v, e, `row ${i} column ${j}`);
    })
  );
}

// ---------------------------------------------------------------- the list

// deno-lint-ignore no-explicit-any
const Kusto = (globalThis as any).Kusto;
// deno-lint-ignore no-explicit-any
const Bridge = (globalThis as any).Bridge;

function kustoPlugins(): string[] {
  const list = Kusto.Language.GlobalState.Default.PlugIns;
  if (Array.isArray(list)) return list.map((s: { Name: string }) => s.Name);
  const out: string[] = [];
  const it = Bridge.getEnumerator(list);
  while (it.moveNext()) out.push(it.Current.Name);
  return out;
}

Deno.test("every plugin of Kusto.Language is run or refused by name with a reason", () => {
  const plugins = kustoPlugins();
  assert.equal(plugins.length, 47);
  assert.deepEqual(
    plugins.filter((n) => !SUPPORTED_PLUGINS.has(n) && !EXCLUDED_PLUGINS.has(n)),
    [],
  );
  assert.deepEqual([...EXCLUDED_PLUGINS.keys()].filter((n) => SUPPORTED_PLUGINS.has(n)), []);
  for (const [name, reason] of EXCLUDED_PLUGINS) assert.ok(reason.length > 20, name);
});

Deno.test("a plugin that needs an outside service is refused with the reason", async () => {
  for (const plugin of ["sql_request('Server=x', 'select 1')", "http_request('https://x')"]) {
    await assert.rejects(() => run(`print x = 1 | evaluate ${plugin}`), (e: unknown) => {
      assert.ok(e instanceof KqlUnsupportedError, String(e));
      assert.match(e.message, /The plugin '\w+' is not supported/);
      assert.match(e.hint ?? "", /outside service/);
      return true;
    });
  }
  await assert.rejects(() => run("print x = 1 | evaluate no_such_plugin()"), KqlSemanticError);
});

// ---------------------------------------------------------------- activity plugins

const ACTIVITY = `
  let start=datetime(2017-08-01);
  let end=datetime(2017-08-04);
  let window=1d;
  let T = datatable(UserId:string, Timestamp:datetime)
  [
  'A', datetime(2017-08-01), 'D', datetime(2017-08-01), 'J', datetime(2017-08-01),
  'B', datetime(2017-08-01), 'C', datetime(2017-08-02), 'T', datetime(2017-08-02),
  'J', datetime(2017-08-02), 'H', datetime(2017-08-03), 'T', datetime(2017-08-03),
  'T', datetime(2017-08-03), 'J', datetime(2017-08-03), 'B', datetime(2017-08-03),
  'S', datetime(2017-08-03), 'S', datetime(2017-08-04),
  ];`;

Deno.test("activity_counts_metrics: the documented daily counts", async () => {
  const out = await run(
    `${ACTIVITY} T | evaluate activity_counts_metrics(UserId, Timestamp, start, end, window)`,
  );
  assert.deepEqual(out.columns, [
    "Timestamp",
    "count",
    "dcount",
    "new_dcount",
    "aggregated_dcount",
  ]);
  assert.deepEqual(out.rows, [
    ["2017-08-01T00:00:00Z", 4, 4, 4, 4],
    ["2017-08-02T00:00:00Z", 3, 3, 2, 6],
    ["2017-08-03T00:00:00Z", 6, 5, 2, 8],
    ["2017-08-04T00:00:00Z", 1, 1, 0, 8],
  ]);
});

Deno.test("activity_metrics compares each week with the one before it", async () => {
  const out = await run(`
    datatable(id: string, day: datetime) [
      'a', datetime(2017-01-02), 'b', datetime(2017-01-03), 'c', datetime(2017-01-04),
      'b', datetime(2017-01-09), 'c', datetime(2017-01-10), 'd', datetime(2017-01-15),
      'd', datetime(2017-01-16), 'e', datetime(2017-01-17)]
    | evaluate activity_metrics(id, day, datetime(2017-01-02), datetime(2017-01-22), 7d)`);
  assert.deepEqual(out.columns, [
    "day",
    "dcount_values",
    "dcount_newvalues",
    "retention_rate",
    "churn_rate",
  ]);
  // Week 1 has no week before it: retention and churn are 0/0.
  assert.deepEqual(out.rows[0].slice(0, 3), ["2017-01-02T00:00:00Z", 3, 3]);
  assert.ok(Number.isNaN(out.rows[0][3]) && Number.isNaN(out.rows[0][4]));
  // Week 2: b and c return (2 of 3), d is new. Week 3: d returns (1 of 3), e is new.
  close(out.rows.slice(1), [
    ["2017-01-09T00:00:00Z", 3, 1, 2 / 3, 1 / 3],
    ["2017-01-16T00:00:00Z", 2, 1, 1 / 3, 2 / 3],
  ]);
});

Deno.test("new_activity_metrics: the documented cohorts of new users", async () => {
  const days: Array<[string, number[]]> = [
    ["2019-11-01", [0, 2, 3, 4]],
    ["2019-11-02", [0, 1, 3, 4, 5]],
    ["2019-11-03", [0, 2, 4, 5]],
    ["2019-11-04", [0, 1, 2, 3]],
    ["2019-11-05", [0, 1, 2, 3, 4]],
  ];
  const values = days.flatMap(([day, users]) => users.map((u) => `${u}, datetime(${day})`));
  const out = await run(`
    let StartDate = datetime(2019-11-01 00:00:00);
    let EndDate = datetime(2019-11-07 00:00:00);
    let Users = datatable(user: long, Timestamp: datetime) [${values.join(", ")}];
    Users
    | evaluate new_activity_metrics(user, Timestamp, StartDate, EndDate-1tick, 1d)
    | where from_Timestamp < datetime(2019-11-03 00:00:00.0000000)`);
  assert.deepEqual(out.columns, [
    "from_Timestamp",
    "to_Timestamp",
    "dcount_new_values",
    "dcount_retained_values",
    "dcount_churn_values",
    "retention_rate",
    "churn_rate",
  ]);
  const d = (day: number) => `2019-11-0${day}T00:00:00Z`;
  close(
    sorted(out.rows),
    sorted([
      [d(1), d(1), 4, 4, 0, 1, 0],
      [d(1), d(2), 2, 3, 1, 0.75, 0.25],
      [d(1), d(3), 1, 3, 1, 0.75, 0.25],
      [d(1), d(4), 1, 3, 1, 0.75, 0.25],
      [d(1), d(5), 1, 4, 0, 1, 0],
      [d(1), d(6), 0, 0, 4, 0, 1],
      [d(2), d(2), 2, 2, 0, 1, 0],
      [d(2), d(3), 0, 1, 1, 0.5, 0.5],
      [d(2), d(4), 0, 1, 1, 0.5, 0.5],
      [d(2), d(5), 0, 1, 1, 0.5, 0.5],
      [d(2), d(6), 0, 0, 2, 0, 1],
    ]),
  );
});

Deno.test("active_users_count: the documented weekly count of users active on 3 of 8 days", async () => {
  const out = await run(`
    let Start = datetime(2018-07-01);
    let End = datetime(2018-07-31);
    let LookbackWindow = 8d;
    let Period = 1d;
    let ActivePeriods = 3;
    let Bin = 7d;
    let T =  datatable(User:string, Timestamp:datetime)
    [
        "B", datetime(2018-06-29), "B", datetime(2018-06-30), "A", datetime(2018-07-02),
        "B", datetime(2018-07-04), "B", datetime(2018-07-08), "A", datetime(2018-07-10),
        "A", datetime(2018-07-14), "A", datetime(2018-07-17), "A", datetime(2018-07-20),
        "B", datetime(2018-07-24)
    ];
    T | evaluate active_users_count(User, Timestamp, Start, End, LookbackWindow, Period, ActivePeriods, Bin)`);
  assert.deepEqual(out.columns, ["Timestamp", "dcount"]);
  assert.deepEqual(out.rows, [["2018-07-01T00:00:00Z", 1], ["2018-07-15T00:00:00Z", 1]]);
});

Deno.test("sliding_window_counts: the documented counts over the past 3 days", async () => {
  const out = await run(`
    let start = datetime(2017 - 08 - 01);
    let end = datetime(2017 - 08 - 07);
    let lookbackWindow = 3d;
    let bin = 1d;
    let T = datatable(UserId: string, Timestamp: datetime)
        [
        'Bob', datetime(2017 - 08 - 01), 'David', datetime(2017 - 08 - 01),
        'David', datetime(2017 - 08 - 01), 'John', datetime(2017 - 08 - 01),
        'Bob', datetime(2017 - 08 - 01), 'Ananda', datetime(2017 - 08 - 02),
        'Atul', datetime(2017 - 08 - 02), 'John', datetime(2017 - 08 - 02),
        'Ananda', datetime(2017 - 08 - 03), 'Atul', datetime(2017 - 08 - 03),
        'Atul', datetime(2017 - 08 - 03), 'John', datetime(2017 - 08 - 03),
        'Bob', datetime(2017 - 08 - 03), 'Betsy', datetime(2017 - 08 - 04),
        'Bob', datetime(2017 - 08 - 05),
    ];
    T
    | evaluate sliding_window_counts(UserId, Timestamp, start, end, lookbackWindow, bin)`);
  // Kusto.Language names the columns Count and Dcount.
  assert.deepEqual(out.columns, ["Timestamp", "Count", "Dcount"]);
  assert.deepEqual(out.rows.map((r) => [r[0].slice(0, 10), r[1], r[2]]), [
    ["2017-08-01", 5, 3],
    ["2017-08-02", 8, 5],
    ["2017-08-03", 13, 5],
    ["2017-08-04", 9, 5],
    ["2017-08-05", 7, 5],
    ["2017-08-06", 2, 2],
    ["2017-08-07", 1, 1],
  ]);
});

Deno.test("activity_engagement: daily over 2-day distinct users", async () => {
  const out = await run(`
    datatable(id: string, day: datetime) [
      'a', datetime(2017-01-01), 'b', datetime(2017-01-01), 'b', datetime(2017-01-02),
      'c', datetime(2017-01-02), 'c', datetime(2017-01-03)]
    | evaluate activity_engagement(id, day, datetime(2017-01-01), datetime(2017-01-03), 1d, 2d)`);
  assert.deepEqual(out.columns, [
    "day",
    "dcount_activities_inner",
    "dcount_activities_outer",
    "activity_ratio",
  ]);
  close(out.rows, [
    ["2017-01-01T00:00:00Z", 2, 2, 1],
    ["2017-01-02T00:00:00Z", 2, 3, 2 / 3],
    ["2017-01-03T00:00:00Z", 1, 2, 0.5],
  ]);
});

Deno.test("session_count: a gap longer than the lookback starts a new session", async () => {
  const out = await run(`
    datatable(Id: string, Timeline: long) ['x', 1, 'x', 2, 'x', 3, 'x', 10, 'x', 11, 'y', 5]
    | evaluate session_count(Id, Timeline, 1, 12, 5, 3)`);
  assert.deepEqual(out.columns, ["Timeline", "count_sessions"]);
  assert.deepEqual(out.rows, [[1, 2], [6, 1], [11, 1]]);
});

// ---------------------------------------------------------------- sequences

const EVENTS = `datatable(Id: string, T: long, State: string) [
  'u1', 1, 'A', 'u1', 2, 'B', 'u1', 3, 'C',
  'u2', 1, 'B', 'u2', 2, 'C',
  'u3', 1, 'A', 'u3', 2, 'B',
  'u4', 1, 'A', 'u4', 5, 'B']`;

Deno.test("funnel_sequence: IDs by the states just before and after the sequence", async () => {
  const out = await run(
    `${EVENTS} | evaluate funnel_sequence(Id, T, 0, 10, 1, 100, State, dynamic(['B']))`,
  );
  assert.deepEqual(out.columns, ["T", "prev", "next", "dcount", "samples"]);
  assert.deepEqual(
    sorted(out.rows),
    sorted([
      [0, "A", "C", 1, ["u1"]],
      [0, "", "C", 1, ["u2"]],
      [0, "A", "", 1, ["u3"]],
      [0, "", "", 1, ["u4"]],
    ]),
  );
  const two = await run(
    `${EVENTS} | evaluate funnel_sequence(Id, T, 0, 10, 1, 100, State, dynamic(['A', 'B']))`,
  );
  // u4's B comes 4 after its A, beyond the step window of 1.
  assert.deepEqual(sorted(two.rows), sorted([[0, "", "C", 1, ["u1"]], [0, "", "", 1, ["u3"]]]));
});

Deno.test("funnel_sequence_completion: how far IDs got within each period", async () => {
  const out = await run(`
    datatable(Id: string, T: datetime, State: string) [
      'u1', datetime(2020-01-01 00:00), 'A', 'u1', datetime(2020-01-01 01:00), 'B',
      'u1', datetime(2020-01-01 03:00), 'C',
      'u2', datetime(2020-01-01 00:00), 'A', 'u2', datetime(2020-01-01 00:30), 'C',
      'u2', datetime(2020-01-01 02:00), 'B',
      'u3', datetime(2020-01-01 00:00), 'B']
    | evaluate funnel_sequence_completion(Id, T, datetime(2020-01-01), datetime(2020-01-02),
        1d, State, dynamic(['A', 'B', 'C']), dynamic([1h, 4h]))`);
  assert.deepEqual(out.columns, ["T", "State", "Period", "dcount"]);
  const day = "2020-01-01T00:00:00Z";
  const h = 3_600_000_000;
  assert.deepEqual(out.rows, [
    [day, "A", h, 2],
    [day, "B", h, 1],
    [day, "C", h, 0],
    [day, "A", 4 * h, 2],
    [day, "B", 4 * h, 2],
    [day, "C", 4 * h, 1],
  ]);
});

Deno.test("sequence_detect: every chain of steps within the step window and span", async () => {
  const out = await run(`
    datatable(StartTime: datetime, EventType: string, State: string) [
      datetime(2007-05-08 00:00), 'Excessive Heat', 'CALIFORNIA',
      datetime(2007-05-08 16:02), 'Wildfire', 'CALIFORNIA',
      datetime(2007-05-10 11:30), 'Wildfire', 'CALIFORNIA',
      datetime(2007-07-10 08:00), 'Excessive Heat', 'TEXAS',
      datetime(2007-07-20 08:00), 'Wildfire', 'TEXAS']
    | evaluate sequence_detect(StartTime, 5d, 5d, heat=(EventType == "Excessive Heat"),
        wildfire=(EventType == 'Wildfire'), State)`);
  assert.deepEqual(out.columns, ["State", "heat_StartTime", "wildfire_StartTime", "Duration"]);
  const h = 3_600_000_000;
  assert.deepEqual(out.rows, [
    ["CALIFORNIA", "2007-05-08T00:00:00Z", "2007-05-08T16:02:00Z", 16 * h + 2 * 60_000_000],
    ["CALIFORNIA", "2007-05-08T00:00:00Z", "2007-05-10T11:30:00Z", (59 * 60 + 30) * 60_000_000],
  ]);
});

// ---------------------------------------------------------------- rows

Deno.test("rows_near: the documented two rows around the error", async () => {
  const out = await run(`
    datatable (Timestamp:datetime, Value:long, State:string )
    [
        datetime(2021-06-01), 1, "Success", datetime(2021-06-02), 4, "Success",
        datetime(2021-06-03), 3, "Success", datetime(2021-06-04), 11, "Success",
        datetime(2021-06-05), 15, "Success", datetime(2021-06-06), 2, "Success",
        datetime(2021-06-07), 19, "Error", datetime(2021-06-08), 12, "Success",
        datetime(2021-06-09), 7, "Success", datetime(2021-06-10), 9, "Success",
        datetime(2021-06-11), 4, "Success", datetime(2021-06-12), 1, "Success",
    ]
    | sort by Timestamp asc
    | evaluate rows_near(State == "Error", 2)`);
  assert.deepEqual(out.rows.map((r) => [r[0].slice(0, 10), r[1], r[2]]), [
    ["2021-06-05", 15, "Success"],
    ["2021-06-06", 2, "Success"],
    ["2021-06-07", 19, "Error"],
    ["2021-06-08", 12, "Success"],
    ["2021-06-09", 7, "Success"],
  ]);
  const after = await run(`range x from 1 to 10 step 1 | evaluate rows_near(x == 5, 1, 3)`);
  assert.deepEqual(after.rows, [[4], [5], [6], [7], [8]]);
});

const ROLLING = `
  let T =
      range idx from 0 to 24 * 10 - 1 step 1
      | project Timestamp = datetime(2018-01-01) + 1h * idx, val=idx + 1
      | extend EvenOrOdd = iff(val % 2 == 0, "Even", "Odd");`;

Deno.test("rolling_percentile: the documented 3-day median per day", async () => {
  const out = await run(`${ROLLING} T | evaluate rolling_percentile(val, 50, Timestamp, 1d, 3)`);
  assert.deepEqual(out.columns, ["Timestamp", "rolling_3_percentile_val_50"]);
  assert.deepEqual(out.rows.map((r) => r[1]), [12, 24, 36, 60, 84, 108, 132, 156, 180, 204]);
  assert.equal(out.rows[3][0], "2018-01-04T00:00:00Z");
  const byDim = await run(
    `${ROLLING} T | evaluate rolling_percentile(val, 50, Timestamp, 1d, 3, EvenOrOdd)`,
  );
  assert.deepEqual(byDim.columns, ["Timestamp", "EvenOrOdd", "rolling_3_percentile_val_50"]);
  const odd = byDim.rows.filter((r) => r[1] === "Odd").map((r) => r[2]);
  const even = byDim.rows.filter((r) => r[1] === "Even").map((r) => r[2]);
  assert.deepEqual(even, [12, 24, 36, 60, 84, 108, 132, 156, 180, 204]);
  assert.deepEqual(odd, [11, 23, 35, 59, 83, 107, 131, 155, 179, 203]);
});

Deno.test("narrow turns each cell into a row; preview keeps the first rows", async () => {
  const out = await run(`datatable(a: long, b: string) [1, "x", 2, "y"] | evaluate narrow()`);
  assert.deepEqual(out.columns, ["Row", "Column", "Value"]);
  assert.deepEqual(out.rows, [[0, "a", "1"], [0, "b", "x"], [1, "a", "2"], [1, "b", "y"]]);
  const first = await run(`range x from 1 to 10 step 1 | evaluate preview(3)`);
  assert.deepEqual(first.rows, [[1], [2], [3]]);
});

Deno.test("schema_merge: the documented merges, with and without the order kept", async () => {
  const schemas = (second: string) => `
    let schema1 = datatable(Uri:string, HttpStatus:int)[] | getschema;
    let schema2 = datatable(${second})[] | getschema;
    union schema1, schema2`;
  const appended = await run(
    `${schemas("Uri:string, HttpStatus:int, Referrer:string")} | evaluate schema_merge()`,
  );
  assert.deepEqual(appended.columns, ["ColumnName", "ColumnOrdinal", "DataType", "ColumnType"]);
  assert.deepEqual(appended.rows, [
    ["Uri", 0, "System.String", "string"],
    ["HttpStatus", 1, "System.Int32", "int"],
    ["Referrer", 2, "System.String", "string"],
  ]);
  const moved = schemas("Uri:string, Referrer:string, HttpStatus:int");
  assert.deepEqual((await run(`${moved} | evaluate schema_merge()`)).rows, [
    ["Uri", 0, "System.String", "string"],
    ["Referrer", 1, "System.String", "string"],
    [
      "HttpStatus",
      -1,
      "ERROR(unknown CSL type:ERROR(columns are out of order))",
      "ERROR(columns are out of order)",
    ],
  ]);
  assert.deepEqual((await run(`${moved} | evaluate schema_merge(PreserveOrder = false)`)).rows, [
    ["Uri", 0, "System.String", "string"],
    ["Referrer", 1, "System.String", "string"],
    ["HttpStatus", 2, "System.Int32", "int"],
  ]);
});

// ---------------------------------------------------------------- lookups

const IP_DATA = `
  let IP_Data = datatable(network:string, continent_code:string ,continent_name:string, country_iso_code:string, country_name:string)
  [
    "111.68.128.0/17","AS","Asia","JP","Japan",
    "5.8.0.0/19","EU","Europe","RU","Russia",
    "223.255.254.0/24","AS","Asia","SG","Singapore",
    "46.36.200.51/32","OC","Oceania","CK","Cook Islands",
    "2.20.183.0/24","EU","Europe","GB","United Kingdom",
  ];
  let IPs = datatable(ip:string) ['2.20.183.12', '5.8.1.2', '192.165.12.17'];`;

Deno.test("ipv4_lookup: the documented matches, and the unmatched rows on request", async () => {
  const out = await run(`${IP_DATA} IPs | evaluate ipv4_lookup(IP_Data, ip, network)`);
  assert.deepEqual(out.columns, [
    "ip",
    "network",
    "continent_code",
    "continent_name",
    "country_iso_code",
    "country_name",
  ]);
  assert.deepEqual(
    sorted(out.rows),
    sorted([
      ["2.20.183.12", "2.20.183.0/24", "EU", "Europe", "GB", "United Kingdom"],
      ["5.8.1.2", "5.8.0.0/19", "EU", "Europe", "RU", "Russia"],
    ]),
  );
  const all = await run(
    `${IP_DATA} IPs | evaluate ipv4_lookup(IP_Data, ip, network, return_unmatched = true)`,
  );
  assert.deepEqual(
    sorted(all.rows),
    sorted([
      ["2.20.183.12", "2.20.183.0/24", "EU", "Europe", "GB", "United Kingdom"],
      ["5.8.1.2", "5.8.0.0/19", "EU", "Europe", "RU", "Russia"],
      ["192.165.12.17", "", "", "", "", ""],
    ]),
  );
});

Deno.test("ipv4_lookup with extra keys matches them like a join", async () => {
  // The documented example's rows of the GeoIP table that its three addresses fall in.
  const out = await run(`
    let IP_Data = datatable(network:string, geoname_id:long, continent_code:string,
        continent_name:string, country_iso_code:string, country_name:string)
    [
      "2.20.183.0/24", 2635167, "EU", "Europe", "GB", "United Kingdom",
      "5.8.0.0/19", 2017370, "EU", "Europe", "RU", "Russia",
      "192.165.8.0/21", 2661886, "EU", "Europe", "SE", "Sweden",
    ];
    let IPs = datatable(ip:string, continent_name:string, country_iso_code:string)
    [
      '2.20.183.12', 'Europe', 'GB',
      '5.8.1.2', 'Europe', 'RU',
      '192.165.12.17', 'Europe', '',
    ];
    IPs
    | evaluate ipv4_lookup(IP_Data, ip, network, continent_name, country_iso_code)`);
  assert.deepEqual(out.columns, [
    "ip",
    "continent_name",
    "country_iso_code",
    "network",
    "geoname_id",
    "continent_code",
    "country_name",
  ]);
  assert.deepEqual(
    sorted(out.rows),
    sorted([
      ["2.20.183.12", "Europe", "GB", "2.20.183.0/24", 2635167, "EU", "United Kingdom"],
      ["5.8.1.2", "Europe", "RU", "5.8.0.0/19", 2017370, "EU", "Russia"],
    ]),
  );
});

Deno.test("ipv6_lookup matches addresses in IPv6 networks", async () => {
  const out = await run(`
    let IP_Data = datatable(network:string, country:string)
      ["2001:0db8:85a3::/48", "US", "2a02:26f0:4001::/48", "FR"];
    datatable(ip:string) ["2001:0db8:85a3:0000:0000:8a2e:0370:7334", "a5e:f127::1"]
    | evaluate ipv6_lookup(IP_Data, ip, network, true)`);
  assert.deepEqual(out.columns, ["network", "country", "ip"]);
  assert.deepEqual(
    sorted(out.rows),
    sorted([
      ["2001:0db8:85a3::/48", "US", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
      ["", "", "a5e:f127::1"],
    ]),
  );
});

const ROADS = `
  let roads = datatable(road_name:string, road:dynamic)
  [
      "5th Avenue NY", dynamic({"type":"LineString","coordinates":[[-73.97291864770574,40.76428551254824],[-73.99708638113894,40.73145135821781]]}),
      "Palace Ave", dynamic({"type":"LineString","coordinates":[[-0.18756982045002246,51.50245944666557],[-0.18908519740253382,51.50544952706903]]}),
  ];
  let locations = datatable(location_name:string, longitude:real, latitude:real)
  [
      "Empire State Building", -73.98567337898565, 40.74842629977377,
      "Grand Central Terminal", -73.97713140725149, 40.752730320824895,
      "Statue of Liberty",  -74.04462223203123, 40.689195627512674,
      "Kensington Palace", -0.1885272501232862,  51.504906159672316
  ];`;

Deno.test("geo_line_lookup: the documented locations within 350 m of a road", async () => {
  const out = await run(`${ROADS}
    locations
    | evaluate geo_line_lookup(roads, road, longitude, latitude, 350, return_unmatched = true)`);
  assert.deepEqual(out.columns, ["location_name", "longitude", "latitude", "road_name"]);
  assert.deepEqual(
    sorted(out.rows.map((r) => [r[0], r[3]])),
    sorted([
      ["Empire State Building", "5th Avenue NY"],
      ["Kensington Palace", "Palace Ave"],
      ["Grand Central Terminal", "5th Avenue NY"],
      ["Statue of Liberty", ""],
    ]),
  );
  const counts = await run(`${ROADS}
    locations
    | evaluate geo_line_lookup(roads, road, longitude, latitude, 350)
    | summarize count() by road_name`);
  assert.deepEqual(sorted(counts.rows), sorted([["5th Avenue NY", 2], ["Palace Ave", 1]]));
});

Deno.test("geo_polygon_lookup: the documented locations in polygons", async () => {
  const out = await run(`
    let polygons = datatable(polygon_name:string, polygon:dynamic)
    [
        "New York", dynamic({"type":"Polygon", "coordinates":[[[-73.97375470114766,40.74300078124614],[-73.98653921014294,40.75486501361894],[-73.99910622331991,40.74112695466084],[-73.97375470114766,40.74300078124614]]]}),
        "Paris", dynamic({"type":"Polygon","coordinates":[[[2.57564669886321,48.769567764921334],[2.420098611499384,49.05163394896812],[2.1016783119165723,48.80113794475062],[2.57564669886321,48.769567764921334]]]}),
    ];
    let locations = datatable(location_name:string, longitude:real, latitude:real)
    [
        "Empire State Building", -73.98567337898565, 40.74842629977377,
        "National Museum of Mathematics", -73.98778501496217, 40.743565232771545,
        "Eiffel Tower", 2.294489426068907, 48.858263476169185,
        "London", -0.13245599272019604, 51.49879464208368,
        "Statue of Liberty",  -74.04462223203123, 40.689195627512674,
    ];
    locations
    | evaluate geo_polygon_lookup(polygons, polygon, longitude, latitude, return_unmatched = true, return_lookup_key = true)`);
  assert.deepEqual(out.columns, [
    "location_name",
    "longitude",
    "latitude",
    "polygon_name",
    "polygon",
  ]);
  assert.deepEqual(
    sorted(out.rows.map((r) => [r[0], r[3], r[4] === null])),
    sorted([
      ["National Museum of Mathematics", "New York", false],
      ["Empire State Building", "New York", false],
      ["Eiffel Tower", "Paris", false],
      ["Statue of Liberty", "", true],
      ["London", "", true],
    ]),
  );
});

// ---------------------------------------------------------------- patterns

Deno.test("basket returns the closed frequent patterns above the threshold", async () => {
  const out = await run(`
    datatable(C1: string, C2: string) ['x','p', 'x','p', 'x','p', 'x','q', 'y','q']
    | evaluate basket(0.3)`);
  assert.deepEqual(out.columns, ["SegmentId", "Count", "Percent", "C1", "C2"]);
  // {x}: 4 rows; {x, p}: 3 (so {p} alone is not closed); {q}: 2; {x, q} and {y} fall below 30%.
  assert.deepEqual(out.rows, [[0, 4, 80, "x", ""], [1, 3, 60, "x", "p"], [2, 2, 40, "", "q"]]);
  const starred = await run(`
    datatable(C1: string, N: long) ['x', 1, 'x', 1, 'y', 2]
    | evaluate basket(0.5, '~', '~', '*', long(-1))`);
  assert.deepEqual(starred.rows, [[0, 2, 200 / 3, "x", 1]]);
});

const PATTERNS = `
  range i from 1 to 100 step 1
  | extend State = iff(i % 4 == 0, "TEXAS", "KANSAS"),
      EventType = iff(i <= 60, "Hail", "Wind"),
      Damage = iff(i <= 60, "NO", iff(i % 2 == 0, "YES", "NO"))
  | project-away i`;

Deno.test("autocluster summarizes the rows with the pattern most of them share", async () => {
  const out = await run(`${PATTERNS} | evaluate autocluster()`);
  assert.deepEqual(out.columns, ["SegmentId", "Count", "Percent", "State", "EventType", "Damage"]);
  // Rows 1-60 are all Hail with no damage: the first segment is within them.
  assert.deepEqual(out.rows[0].slice(4, 6), ["Hail", "NO"]);
  assert.ok(out.rows.length >= 1 && out.rows.length <= 25);
  // A size weight near 1 favours coverage over shared values (as documented): the score
  // 0.8^0.9 * (1/3)^0.1 of Damage == "NO" (80 rows) beats 0.6^0.9 * (2/3)^0.1 of Hail and NO.
  const wide = await run(`${PATTERNS} | evaluate autocluster(0.9)`);
  assert.deepEqual(wide.rows[0].slice(1, 6), [80, 80, "", "", "NO"]);
});

Deno.test("diffpatterns finds what tells damage rows from the others", async () => {
  const out = await run(`${PATTERNS} | evaluate diffpatterns(Damage, "NO", "YES")`);
  assert.deepEqual(out.columns, [
    "SegmentId",
    "CountA",
    "CountB",
    "PercentA",
    "PercentB",
    "PercentDiffAB",
    "State",
    "EventType",
  ]);
  // 80 rows have no damage (60 Hail, 20 Wind); the 20 with damage are all Wind.
  const [first] = out.rows;
  assert.deepEqual(first.slice(1, 8), [60, 0, 75, 0, 75, "", "Hail"]);
});

Deno.test("dcount_intersect: the documented intersections of even, mod-3 and mod-5 numbers", async () => {
  const out = await run(`
    range x from 1 to 100 step 1
    | extend isEven = (x % 2 == 0), isMod3 = (x % 3 == 0), isMod5 = (x % 5 == 0)
    | summarize hll_even = hll(iif(isEven, x, 0), 2),
                hll_mod3 = hll(iif(isMod3, x, 0), 2),
                hll_mod5 = hll(iif(isMod5, x, 0), 2)
    | evaluate dcount_intersect(hll_even, hll_mod3, hll_mod5)
    | project evenNumbers = s0 - 1, even_and_mod3 = s1 - 1, even_and_mod3_and_mod5 = s2 - 1`);
  assert.deepEqual(out.columns, ["evenNumbers", "even_and_mod3", "even_and_mod3_and_mod5"]);
  assert.deepEqual(out.rows, [[50, 16, 3]]);
});
