/**
 * The tabular operators with a grammar of their own: search, find, top-nested,
 * top-hitters, sample, sample-distinct, partition, fork, facet, reduce, parse-kv, scan and
 * named distinct. Expected rows come from the examples of Microsoft's Kusto documentation
 * (their documented output) or are worked out by hand; result column names and order are
 * checked against Kusto.Language's binder.
 */
import assert from "node:assert/strict";
import { type DataFrame, executeKql, KqlSemanticError, runKql } from "../../src/kql/mod.ts";
import { pl } from "../../src/polars.ts";
import { bindKql } from "./_kusto_binder.ts";

/** Rows as plain objects, datetimes as ISO strings. */
async function rows(query: string, tables: Record<string, DataFrame> = {}) {
  const frame = await runKql(query, { tables });
  return frame.toRecords().map((record) =>
    Object.fromEntries(
      Object.entries(record).map((
        [k, v],
      ) => [k, (v as unknown) instanceof Date ? (v as unknown as Date).toISOString() : v]),
    )
  );
}

/** Rows as arrays of values, in column order. */
async function values(query: string, tables: Record<string, DataFrame> = {}) {
  return (await rows(query, tables)).map((r) => Object.values(r));
}

const MINUTE = 60_000_000;

// The tables of the find operator's documentation ("Examples of find output results").
const events = {
  EventsTable1: pl.DataFrame({
    Session_Id: [
      "acbd207d-51aa-4df7-bfa7-be70eb68f04e",
      "acbd207d-51aa-4df7-bfa7-be70eb68f04e",
      "28b8e46e-3c31-43cf-83cb-48921c3986fc",
      "8f057b11-3281-45c3-a856-05ebb18a3c59",
    ],
    Level: ["Information", "Error", "Error", "Information"],
    EventText: ["Some Text1", "Some Text2", "Some Text3", "Some Text4"],
    Version: ["v1.0.0", "v1.0.0", "v1.0.1", "v1.1.0"],
  }),
  EventsTable2: pl.DataFrame({
    Session_Id: [
      "f7d5f95f-f580-4ea6-830b-5776c8d64fdd",
      "acbd207d-51aa-4df7-bfa7-be70eb68f04e",
      "acbd207d-51aa-4df7-bfa7-be70eb68f04e",
      "15eaeab5-8576-4b58-8fc6-478f75d8fee4",
    ],
    Level: ["Information", "Information", "Error", "Error"],
    EventText: ["Some Other Text1", "Some Other Text2", "Some Other Text3", "Some Other Text4"],
    EventName: ["Event1", "Event2", "Event3", "Event4"],
  }),
};
const SESSION = "acbd207d-51aa-4df7-bfa7-be70eb68f04e";

// ------------------------------------------------------------ find and search

Deno.test("find projects common columns and packs the rest, as documented", async () => {
  assert.deepEqual(
    await values(`find Session_Id == '${SESSION}'`, events),
    [
      ["EventsTable1", SESSION, "Information", "Some Text1", '{"Version":"v1.0.0"}'],
      ["EventsTable1", SESSION, "Error", "Some Text2", '{"Version":"v1.0.0"}'],
      ["EventsTable2", SESSION, "Information", "Some Other Text2", '{"EventName":"Event2"}'],
      ["EventsTable2", SESSION, "Error", "Some Other Text3", '{"EventName":"Event3"}'],
    ],
  );
  const result = await executeKql(`find Session_Id == '${SESSION}'`, { tables: events });
  assert.deepEqual(result.schema.columns.map((c) => c.name), [
    "source_",
    "Session_Id",
    "Level",
    "EventText",
    "pack_",
  ]);
});

Deno.test("find with project lists columns, null where a table lacks them", async () => {
  assert.deepEqual(
    await values(
      "find Version == 'v1.0.0' or EventName == 'Event1' project Session_Id, EventText, Version, EventName",
      events,
    ),
    [
      ["EventsTable1", SESSION, "Some Text1", "v1.0.0", ""],
      ["EventsTable1", SESSION, "Some Text2", "v1.0.0", ""],
      ["EventsTable2", "f7d5f95f-f580-4ea6-830b-5776c8d64fdd", "Some Other Text1", "", "Event1"],
    ],
  );
  assert.deepEqual(
    await values(
      `find in (EventsTable1, EventsTable2) where Session_Id == '${SESSION}' and Level == 'Error' project EventText, Version, EventName, pack_all()`,
      events,
    ),
    [
      ["EventsTable1", "Some Text2", "v1.0.0", "", `{"Session_Id":"${SESSION}","Level":"Error"}`],
      [
        "EventsTable2",
        "Some Other Text3",
        "",
        "Event3",
        `{"Session_Id":"${SESSION}","Level":"Error"}`,
      ],
    ],
  );
  assert.deepEqual(
    await values(
      "find withsource=T in (Events*) where EventName == 'Event4' project EventText",
      events,
    ),
    [["EventsTable2", "Some Other Text4"]],
  );
});

Deno.test("search finds terms in every column of every table, with $table", async () => {
  assert.deepEqual(await values('search "Text2" | project $table, EventText', events), [
    ["EventsTable1", "Some Text2"],
    ["EventsTable2", "Some Other Text2"],
  ]);
  // Terms are case-insensitive unless kind=case_sensitive.
  assert.equal((await rows('search "text2"', events)).length, 2);
  assert.equal((await rows('search kind=case_sensitive "text2"', events)).length, 0);
  // "x*" is hasprefix, "*x" hassuffix, "a*b" a regex within words; Column:"term".
  assert.deepEqual(await values('search Level:"Err*" and "*Text3" | project EventText', events), [
    ["Some Text3"],
    ["Some Other Text3"],
  ]);
  assert.deepEqual(await values('search "Some*Text4" | project EventText', events), [
    ["Some Text4"],
    ["Some Other Text4"],
  ]);
  assert.deepEqual(await values("search * | count", events), [[8]]);
  assert.deepEqual(
    await values('search "Some" and ("Text1" or "Other") | project EventText', events),
    [["Some Text1"], ["Some Other Text1"], ["Some Other Text2"], ["Some Other Text3"], [
      "Some Other Text4",
    ]],
  );
  // A table without the column a predicate names is left out.
  assert.deepEqual(
    await values('search in (Events*) EventName == "Event4" | project $table', events),
    [
      ["EventsTable2"],
    ],
  );
  assert.deepEqual(
    await values('EventsTable1 | search "Error" | project $table, EventText', events),
    [
      ["EventsTable1", "Some Text2"],
      ["EventsTable1", "Some Text3"],
    ],
  );
});

Deno.test("where * has tests every column, as search's terms do", async () => {
  const t = `datatable(Host: string, Port: long, Note: string) [
    "web01", 443, "tls", "db01", 5432, "web01 replica", "mail", 25, "smtp"]`;
  assert.deepEqual(await values(`${t} | where * has "web01" | project Host`), [["web01"], [
    "db01",
  ]]);
  assert.deepEqual(await values(`${t} | where * contains "43" | project Host`), [["web01"], [
    "db01",
  ]]);
  assert.deepEqual(await values(`${t} | where * !has "web01" | project Host`), [["mail"]]);
});

Deno.test("search names a column no table has: an error, not an empty answer", async () => {
  const error = await runKql('search Nope == "x"', { tables: events }).then(
    () => undefined,
    (e) => e,
  );
  assert.ok(error instanceof KqlSemanticError);
  assert.match(error.message, /Unknown column 'Nope'/);
});

Deno.test("option values an operator does not know are errors at their place", async () => {
  const cases: Array<[string, RegExp]> = [
    [
      'search kind=exact "x"',
      /search kind must be default, case_insensitive or case_sensitive, not 'exact' \(line 1, column 13\)/,
    ],
    [
      "range x from 1 to 3 step 1 | partition hint.strategy=fast by x (take 1)",
      /partition hint.strategy must be native, shuffle or legacy, not 'fast'/,
    ],
    [
      "range x from 1 to 3 step 1 | project s = tostring(x) | reduce kind=rows by s",
      /reduce kind must be source, not 'rows'/,
    ],
  ];
  for (const [query, message] of cases) {
    const error = await runKql(query, { tables: events }).then(() => undefined, (e) => e);
    assert.ok(error instanceof KqlSemanticError, query);
    assert.match(error.message, message);
  }
});

// ------------------------------------------------------------ top-nested, top-hitters

Deno.test("top-nested keeps the top values per level, as documented", async () => {
  // "Latest records per identity with other column data" (documented output).
  assert.deepEqual(
    await values(`
      datatable(id: string, timestamp: datetime, otherInformation: string)
      [
          "Barak", datetime(2015-01-01), "1",
          "Barak", datetime(2016-01-01), "2",
          "Barak", datetime(2017-01-20), "3",
          "Donald", datetime(2017-01-20), "4",
          "Donald", datetime(2017-01-18), "5",
          "Donald", datetime(2017-01-19), "6"
      ]
      | top-nested of id by Ignore0=max(1),
        top-nested 2 of timestamp by Ignore1=max(timestamp),
        top-nested of otherInformation by Ignore2=max(1)
      | project-away Ignore0, Ignore1, Ignore2
      | order by id asc, timestamp desc`),
    [
      ["Barak", "2017-01-20T00:00:00.000Z", "3"],
      ["Barak", "2016-01-01T00:00:00.000Z", "2"],
      ["Donald", "2017-01-20T00:00:00.000Z", "4"],
      ["Donald", "2017-01-19T00:00:00.000Z", "6"],
    ],
  );
});

const sales = `datatable(Region: string, Seller: string, Amount: long) [
  "North", "ann", 10, "North", "bob", 30, "North", "ann", 5,
  "South", "cid", 50, "South", "dee", 1,
  "East", "eve", 7, "East", "fay", 8,
  "West", "gus", 2
]`;

Deno.test("top-nested: names, 'with others' and asc, worked out by hand", async () => {
  // Sums by region: South 51, North 45, East 15, West 2. Top 2, the rest as "Other" (17).
  assert.deepEqual(
    await values(`${sales}
      | top-nested 2 of Region with others = "Other" by Total = sum(Amount),
        top-nested 1 of Seller by sum(Amount)`),
    [
      ["South", 51, "cid", 50],
      ["North", 45, "bob", 30],
      ["Other", 17, "", null],
    ],
  );
  // asc keeps the lowest: West (2) then East (15); the lowest seller of each.
  assert.deepEqual(
    await values(`${sales}
      | top-nested 2 of Region by sum(Amount) asc, top-nested 1 of Seller by sum(Amount) asc`),
    [["West", 2, "gus", 2], ["East", 15, "eve", 7]],
  );
});

Deno.test("top-hitters counts or sums and keeps the top values", async () => {
  assert.deepEqual(await values(`${sales} | top-hitters 2 of Region`), [
    ["North", 3],
    ["South", 2],
  ]);
  assert.deepEqual(await values(`${sales} | top-hitters 1 of Seller by Amount`), [["cid", 50]]);
});

// ------------------------------------------------------------ sample, sample-distinct

Deno.test("sample returns N input rows, the same ones for the same query", async () => {
  const query = "range x from 1 to 100 step 1 | sample 5";
  const first = (await values(query)).map((r) => r[0] as number);
  assert.equal(first.length, 5);
  assert.equal(new Set(first).size, 5);
  assert.ok(first.every((x) => x >= 1 && x <= 100));
  assert.deepEqual((await values(query)).map((r) => r[0]), first);
  // Not simply the first rows, and more rows than there are gives them all.
  assert.notDeepEqual(first, [1, 2, 3, 4, 5]);
  assert.equal((await values("range x from 1 to 3 step 1 | sample 10")).length, 3);
});

Deno.test("sample-distinct returns up to N distinct values of a column", async () => {
  const sampled = await values(`${sales} | sample-distinct 3 of Region`);
  assert.equal(sampled.length, 3);
  assert.equal(new Set(sampled.map((r) => r[0])).size, 3);
  assert.ok(sampled.every((r) => ["North", "South", "East", "West"].includes(r[0] as string)));
  assert.equal((await values(`${sales} | sample-distinct 10 of Region`)).length, 4);
});

// ------------------------------------------------------------ partition, fork, facet

Deno.test("partition runs the subquery per key value and unions the results", async () => {
  // The documentation's native-strategy example, on our sales: top seller per region.
  const top = await values(`${sales}
    | partition hint.strategy=native by Region
      (summarize Total = sum(Amount) by Seller, Region | top 1 by Total)
    | order by Total desc`);
  assert.deepEqual(top, [
    ["cid", "South", 50],
    ["bob", "North", 30],
    ["fay", "East", 8],
    ["gus", "West", 2],
  ]);
  // The legacy form with its own source: the key's name is the partition's value.
  assert.deepEqual(
    await values(`range x from 1 to 3 step 1
      | partition hint.strategy=legacy by x { range y from 1 to x step 1 | extend k = toscalar(x) }
      | summarize n = count() by k | order by k asc`),
    [[1, 1], [2, 2], [3, 3]],
  );
  // as names each partition inside the subquery.
  assert.deepEqual(
    await values(`${sales}
      | partition by Region (as P | extend Share = Amount * 100 / toscalar(P | summarize sum(Amount)))
      | where Region == "East" | project Seller, Share`),
    [["eve", 46], ["fay", 53]],
  );
});

Deno.test("fork and facet return their first table", async () => {
  assert.deepEqual(await values(`${sales} | fork (where Amount > 20 | project Seller) (count)`), [
    ["bob"],
    ["cid"],
  ]);
  assert.deepEqual(await values(`${sales} | facet by Region, Seller`), [
    ["North", 3],
    ["South", 2],
    ["East", 2],
    ["West", 1],
  ]);
  const facet = await executeKql(`${sales} | facet by Region`);
  assert.deepEqual(facet.schema.columns.map((c) => c.name), ["Region", "count_Region"]);
  assert.deepEqual(await values(`${sales} | facet by Region with (where Amount > 40)`), [
    ["South", "cid", 50],
  ]);
});

// ------------------------------------------------------------ reduce

Deno.test("reduce groups similar strings, as documented", async () => {
  // "Behavior of Characters parameter" (documented output).
  assert.deepEqual(
    await values(
      'range x from 1 to 10 step 1 | project str = strcat("foo", "Z", tostring(x)) | reduce by str',
    ),
    [["others", 10, ""]],
  );
  assert.deepEqual(
    await values(
      'range x from 1 to 10 step 1 | project str = strcat("foo", "Z", tostring(x)) | reduce by str with characters="Z"',
    ),
    [["foo*", 10, "fooZ1"]],
  );
  // Words separated by spaces keep the spaces in the pattern; kind=source keeps the rows.
  assert.deepEqual(
    await values(`datatable(City: string) ["San Jose", "San Diego", "San Mateo", "Paris"]
      | reduce kind=source by City with threshold=0.3`),
    [["San Jose", "San *"], ["San Diego", "San *"], ["San Mateo", "San *"], ["Paris", "others"]],
  );
});

// ------------------------------------------------------------ parse-kv

Deno.test("parse-kv with delimiters, quotes and escapes, as documented", async () => {
  assert.deepEqual(
    await rows(
      `print str="ThreadId:458745723, Machine:Node001, Text: The service is up, Level: Info"
      | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (pair_delimiter=',', kv_delimiter=':')
      | project-away str`,
    ),
    [{ Text: "The service is up", ThreadId: 458745723, Machine: "Node001" }],
  );
  const expected = {
    "event time": "2021-01-01T10:00:54.000Z",
    src: "10.1.1.123",
    dst: "10.1.1.124",
    bytes: 125,
    failure: "connection aborted",
  };
  assert.deepEqual(
    await rows(
      `print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="connection aborted" "event time"=2021-01-01T10:00:54'
      | parse-kv str as (['event time']:datetime, src:string, dst:string, bytes:long, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"')
      | project-away str`,
    ),
    [expected],
  );
  assert.deepEqual(
    await rows(
      `print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure=(connection aborted) (event time)=(2021-01-01 10:00:54)'
      | parse-kv str as (['event time']:datetime, src:string, dst:string, bytes:long, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='()')
      | project-away str`,
    ),
    [expected],
  );
  assert.deepEqual(
    await rows(
      String
        .raw`print str='src=10.1.1.123 dst=10.1.1.124 bytes=125 failure="the remote host sent \\"bye!\\"" time=2021-01-01T10:00:54'
      | parse-kv str as (['time']:datetime, src:string, dst:string, bytes:long, failure:string) with (pair_delimiter=' ', kv_delimiter='=', quote='"', escape='\\')
      | project-away str`,
    ),
    [{
      time: "2021-01-01T10:00:54.000Z",
      src: "10.1.1.123",
      dst: "10.1.1.124",
      bytes: 125,
      failure: 'the remote host sent "bye!"',
    }],
  );
});

Deno.test("parse-kv greedy, without delimiters and with a regex, as documented", async () => {
  const people = `print str='name=John Doe phone=555 5555 city=New York'
    | parse-kv str as (name:string, phone:string, city:string) with (pair_delimiter=' ', kv_delimiter='='`;
  assert.deepEqual(await values(`${people}) | project-away str`), [["John", "555", "New"]]);
  assert.deepEqual(await values(`${people}, greedy=true) | project-away str`), [[
    "John Doe",
    "555 5555",
    "New York",
  ]]);
  assert.deepEqual(
    await values(
      `print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: Started"
      | parse-kv str as (Text: string, ThreadId:long, Machine: string)
      | project-away str`,
    ),
    [["Started", 458745723, "Node001"]],
  );
  assert.deepEqual(
    await values(
      String
        .raw`print str="2021-01-01T10:00:34 [INFO] ThreadId:458745723, Machine:Node001, Text: 'The service \\' is up'"
      | parse-kv str as (Text: string, ThreadId:long, Machine: string) with (quote="'", escape='\\')
      | project-away str`,
    ),
    [["The service ' is up", 458745723, "Node001"]],
  );
  assert.deepEqual(
    await values(
      `print str=@'["referer url: https://hostname.com/redirect?dest=/?h=1234", "request url: https://hostname.com/?h=1234", "advertiser id: 24fefbca-cf27-4d62-a623-249c2ad30c73"]'
      | parse-kv str as (['referer url']:string, ['request url']:string, ['advertiser id']: guid) with (regex=@'"([\\w ]+)\\s*:\\s*([^"]*)"')
      | project-away str`,
    ),
    [[
      "https://hostname.com/redirect?dest=/?h=1234",
      "https://hostname.com/?h=1234",
      "24fefbca-cf27-4d62-a623-249c2ad30c73",
    ]],
  );
});

// ------------------------------------------------------------ scan

Deno.test("scan: cumulative sums and sessions, as documented", async () => {
  assert.deepEqual(
    await values(`range x from 1 to 5 step 1
      | scan declare (cumulative_x:long=0) with (step s1: true => cumulative_x = x + s1.cumulative_x;)`),
    [[1, 1], [2, 3], [3, 6], [4, 10], [5, 15]],
  );
  const events = `datatable (Ts: timespan, Event: string) [
    0m, "A", 1m, "A", 2m, "B", 3m, "D", 32m, "B", 36m, "C", 38m, "D", 41m, "E", 75m, "A"]`;
  assert.deepEqual(
    await values(`${events}
      | sort by Ts asc
      | scan with_match_id=session_id declare (sessionStart: timespan) with (
          step inSession: true => sessionStart = iff(isnull(inSession.sessionStart), Ts, inSession.sessionStart);
          step endSession output=none: Ts - inSession.sessionStart > 30m;
        )
      | project Ts = Ts / 1m, Start = sessionStart / 1m, session_id`),
    [[0, 0, 0], [1, 0, 0], [2, 0, 0], [3, 0, 0], [32, 32, 1], [36, 32, 1], [38, 32, 1], [
      41,
      32,
      1,
    ], [75, 75, 2]],
  );
});

Deno.test("scan: events between Start and Stop, as documented", async () => {
  const result = await values(`datatable (Ts: timespan, Event: string) [
      0m, "A", 1m, "Start", 2m, "B", 3m, "D", 4m, "Stop", 6m, "C", 8m, "Start", 11m, "E", 12m, "Stop"]
    | sort by Ts asc
    | scan with_match_id=m_id with (
        step s1: Event == "Start";
        step s2: Event != "Start" and Event != "Stop" and Ts - s1.Ts <= 5m;
        step s3: Event == "Stop" and Ts - s1.Ts <= 5m;
      )`);
  assert.deepEqual(result, [
    [1 * MINUTE, "Start", 0],
    [2 * MINUTE, "B", 0],
    [3 * MINUTE, "D", 0],
    [4 * MINUTE, "Stop", 0],
    [8 * MINUTE, "Start", 1],
    [11 * MINUTE, "E", 1],
    [12 * MINUTE, "Stop", 1],
  ]);
});

Deno.test("scan: output=last keeps the last row of a run of matches", async () => {
  // Runs of "a" then a "b": s1 matches each "a" (only the last is output), s2 the "b".
  assert.deepEqual(
    await values(`datatable(i: long, e: string) [1, "a", 2, "a", 3, "b", 4, "a", 5, "b", 6, "a"]
      | scan with_match_id=m with (step s1 output=last: e == "a"; step s2: e == "b";)`),
    [[2, "a", 0], [3, "b", 0], [4, "a", 1], [5, "b", 1], [6, "a", 2]],
  );
});

Deno.test("scan gives the same rows through JavaScript and through Polars", async () => {
  // iff, isnull and comparisons run as JavaScript; case() and strlen() only through Polars.
  const data = `datatable(Ts: timespan, User: string, Bytes: long) [
    0m, "ann", 10, 1m, "Ann", 20, 3m, "bob", 5, 9m, "ann", 40, 10m, "", 1, 30m, "bob", 7]
    | sort by Ts asc`;
  const pairs: Array<[string, string]> = [
    [
      "step s1: true => total = iff(s1.total >= 25 or isnull(s1.total), Bytes, Bytes + s1.total);",
      "step s1: true => total = case(s1.total >= 25 or isnull(s1.total), Bytes, Bytes + s1.total);",
    ],
    [
      'step s1: User =~ "ann" => total = Bytes * 2; step s2: User != "ann" and Ts - s1.Ts <= 5m => total = s1.total - Bytes;',
      'step s1: User =~ "ann" => total = Bytes * 2; step s2: User != "ann" and Ts - s1.Ts <= 5m and strlen(User) >= 0 => total = s1.total - Bytes;',
    ],
    [
      "step s1: isempty(User) or Bytes > 30 => total = -Bytes;",
      "step s1: strlen(User) == 0 or Bytes > 30 => total = -Bytes;",
    ],
  ];
  for (const [fast, slow] of pairs) {
    const scan = (steps: string) =>
      `${data} | scan with_match_id=m declare (total: long) with (${steps})`;
    const expected = await values(scan(slow));
    assert.ok(expected.length > 0, slow);
    assert.deepEqual(await values(scan(fast)), expected, fast);
  }
});

// ------------------------------------------------------------ distinct, and the result schemas

Deno.test("distinct takes named expressions", async () => {
  assert.deepEqual(
    await values(
      `datatable(RemoteUrl: string, Port: long) ["a.example", 443, "b.example", 80, "a.example", 8443]
      | distinct Url = RemoteUrl`,
    ),
    [["a.example"], ["b.example"]],
  );
});

Deno.test("result columns are named and ordered as Kusto.Language says", async () => {
  const schemas = {
    T1: "(a: string, b: long, t: datetime)",
    T2: "(a: string, c: real, b: int)",
  };
  const tables = {
    T1: pl.DataFrame({
      a: ["x", "y"],
      b: pl.Series("b", [1, 2], pl.Int64),
      t: [new Date(0), new Date(1000)],
    }),
    T2: pl.DataFrame({ a: ["x"], c: [1.5], b: pl.Series("b", [7], pl.Int32) }),
  };
  const queries = [
    "T1 | top-nested 2 of a by sum(b), top-nested of t by max(1)",
    'T1 | top-nested 2 of a with others="o" by s=sum(b) asc',
    "T1 | top-hitters 2 of a",
    "T1 | top-hitters 2 of a by b",
    "T1 | sample-distinct 3 of a",
    "T1 | sample 1",
    "T1 | reduce by a",
    'T1 | parse-kv a as (x:string, y:long) with (pair_delimiter="=", kv_delimiter=":")',
    "T1 | partition by a (top 1 by b)",
    "T1 | distinct U = a, b",
    "T1 | scan with_match_id=m declare (x: long) with (step s1: b > 1 => x = b; step s2: b > s1.x;)",
    'search "x"',
    'T1 | search "x"',
    "find in (T1) where b > 1",
    "find in (T1, T2) where c > 1 or t > datetime(2020-01-01)",
  ];
  for (const query of queries) {
    const ours = (await executeKql(query, { tables })).schema.columns;
    const kusto = bindKql(query, schemas);
    assert.deepEqual(kusto.errors, [], query);
    assert.deepEqual(ours, kusto.columns, query);
  }
});
