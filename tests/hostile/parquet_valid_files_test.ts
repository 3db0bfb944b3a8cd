/**
 * The Parquet checks on load (issue 18) raise no false alarm on valid files other writers
 * make: column names holding a dot, as flattened JSON exports name theirs
 * (`DeviceInfo.OSPlatform`), and timestamps stored in another unit than the one Polars reads
 * them in (pyarrow's Parquet 1.0 format keeps nanoseconds as microseconds; its
 * `coerce_timestamps="ms"` keeps microseconds as milliseconds): the footer records their
 * bounds in the stored unit. The files below were written by pyarrow 25.0.1. Seen through
 * `casefile load`, as an analyst meets them; a damaged timestamp is still refused.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { pl } from "../../src/polars.ts";
import { runCasefile, tempFolder } from "../_helpers.ts";

/** `pq.write_table(t, f, version="1.0", compression="none")` of a `timestamp[ns]` column. */
const PYARROW_V1_NS =
  "UEFSMRUEFTAVMEwVBhUEEgAAQKI6w5QSBgAANhYFlhIGAEDhPg2xEgYAFQAVFBUULBUGFQQVBhUGHBgIQOE+DbESBg" +
  "AYCECiOsOUEgYAFgAoCEDhPg2xEgYAGAhAojrDlBIGABERAAAAAgAAAAYBAgMkABUEFSgVKEwVBhUEEgAAAwAAAGFu" +
  "YQMAAABiZW4CAAAAY3kVABUUFRQsFQYVBBUGFQYcNgAoAmN5GANhbmEREQAAAAIAAAAGAQIDJAAVAhk8NQAYBnNjaG" +
  "VtYRUEABUEJQIYDVRpbWVHZW5lcmF0ZWQlFEyMEhwsAAAAAAAVDCUCGAdBY2NvdW50JQBMHAAAABYGGRwZLCYAHBUE" +
  "GSUEBhkYDVRpbWVHZW5lcmF0ZWQVABYGFt4BFt4BJlQmCBwYCEDhPg2xEgYAGAhAojrDlBIGABYAKAhA4T4NsRIGAB" +
  "gIQKI6w5QSBgAREQAZLBUEFQQVAgAVABUEFQIAPCkGGSYABgAAACYAHBUMGSUEBhkYB0FjY291bnQVABYGFpgBFpgB" +
  "JqoCJuYBHDYAKAJjeRgDYW5hEREAGSwVBBUEFQIAFQAVBBUCADwWEBkGGSYABgAAABb2AhYGJggW9gIAGRwYDEFSUk" +
  "9XOnNjaGVtYRj4AS8vLy8vN0FBQUFBUUFBQUFBQUFLQUF3QUJnQUZBQWdBQ2dBQUFBQUJCQUFNQUFBQUNBQUlBQUFB" +
  "QkFBSUFBQUFCQUFBQUFJQUFBQkVBQUFBQkFBQUFOVC8vLzhBQUFFRkVBQUFBQndBQUFBRUFBQUFBQUFBQUFjQUFBQk" +
  "JZMk52ZFc1MEFBUUFCQUFFQUFBQUVBQVVBQWdBQmdBSEFBd0FBQUFRQUJBQUFBQUFBQUVLRUFBQUFDUUFBQUFFQUFB" +
  "QUFBQUFBQTBBQUFCVWFXMWxSMlZ1WlhKaGRHVmtBQVlBQ0FBR0FBWUFBQUFBQUFNQUFBQUFBQT09ABggcGFycXVldC" +
  "1jcHAtYXJyb3cgdmVyc2lvbiAyNS4wLjEZLBwAABwAAABJAgAAUEFSMQ==";

/** `coerce_timestamps="ms", allow_truncated_timestamps=True` of a `timestamp[us]` column. */
const PYARROW_COERCED_MS =
  "UEFSMRUEFTAVMEwVBhUAEgAAe/gG+Y0BAADAXVn5jQEAAEjtRACOAQAAFQAVFBUULBUGFRAVBhUGHBgISO1EAI4BAA" +
  "AYCHv4BvmNAQAAFgAoCEjtRACOAQAAGAh7+Ab5jQEAABERAAAAAgAAAAYBAgMkABUEFSgVKEwVBhUAEgAAAwAAAGFu" +
  "YQMAAABiZW4CAAAAY3kVABUUFRQsFQYVEBUGFQYcNgAoAmN5GANhbmEREQAAAAIAAAAGAQIDJAAVBBk8NQAYBnNjaG" +
  "VtYRUEABUEJQIYDVRpbWVHZW5lcmF0ZWQlEkyMEhwcAAAAAAAVDCUCGAdBY2NvdW50JQBMHAAAABYGGRwZLCYAHBUE" +
  "GTUABhAZGA1UaW1lR2VuZXJhdGVkFQAWBhbeARbeASZUJggcGAhI7UQAjgEAABgIe/gG+Y0BAAAWACgISO1EAI4BAA" +
  "AYCHv4BvmNAQAAEREAGSwVBBUAFQIAFQAVEBUCADwpBhkmAAYAAAAmABwVDBk1AAYQGRgHQWNjb3VudBUAFgYWmAEW" +
  "mAEmqgIm5gEcNgAoAmN5GANhbmEREQAZLBUEFQAVAgAVABUQFQIAPBYQGQYZJgAGAAAAFvYCFgYmCBb2AgAZHBgMQV" +
  "JST1c6c2NoZW1hGPgBLy8vLy83QUFBQUFRQUFBQUFBQUtBQXdBQmdBRkFBZ0FDZ0FBQUFBQkJBQU1BQUFBQ0FBSUFB" +
  "QUFCQUFJQUFBQUJBQUFBQUlBQUFCRUFBQUFCQUFBQU5ULy8vOEFBQUVGRUFBQUFCd0FBQUFFQUFBQUFBQUFBQWNBQU" +
  "FCQlkyTnZkVzUwQUFRQUJBQUVBQUFBRUFBVUFBZ0FCZ0FIQUF3QUFBQVFBQkFBQUFBQUFBRUtFQUFBQUNRQUFBQUVB" +
  "QUFBQUFBQUFBMEFBQUJVYVcxbFIyVnVaWEpoZEdWa0FBWUFDQUFHQUFZQUFBQUFBQUlBQUFBQUFBPT0AGCBwYXJxdW" +
  "V0LWNwcC1hcnJvdyB2ZXJzaW9uIDI1LjAuMRksHAAAHAAAAEsCAABQQVIx";

/**
 * `pq.write_table` of a table with no rows (a query's empty result): one row group of 0 rows
 * whose chunks give `data_page_offset` 0 (no data page) after a dictionary page at byte 4.
 */
const PYARROW_EMPTY =
  "UEFSMRUEFQAVAEwVABUAEgAAFQQVABUATBUAFQASAAAVBBk8NQAYBnNjaGVtYRUEABUEJQIYDVRpbWVHZW5lcmF0ZW" +
  "QlFEyMEhwsAAAAAAAVDCUCGAdBY2NvdW50JQBMHAAAABYAGRwZLCYAHBUEGSUABhkYDVRpbWVHZW5lcmF0ZWQVABYA" +
  "FhwWHCYAJggpHBUEFQAVAgAAACYAHBUMGSUABhkYB0FjY291bnQVABYAFhwWHCYAJiQpHBUEFQAVAgAAABY4FgAmCB" +
  "Y4ABkcGAxBUlJPVzpzY2hlbWEY+AEvLy8vLzdBQUFBQVFBQUFBQUFBS0FBd0FCZ0FGQUFnQUNnQUFBQUFCQkFBTUFB" +
  "QUFDQUFJQUFBQUJBQUlBQUFBQkFBQUFBSUFBQUJFQUFBQUJBQUFBTlQvLy84QUFBRUZFQUFBQUJ3QUFBQUVBQUFBQU" +
  "FBQUFBY0FBQUJCWTJOdmRXNTBBQVFBQkFBRUFBQUFFQUFVQUFnQUJnQUhBQXdBQUFBUUFCQUFBQUFBQUFFS0VBQUFB" +
  "Q1FBQUFBRUFBQUFBQUFBQUEwQUFBQlVhVzFsUjJWdVpYSmhkR1ZrQUFZQUNBQUdBQVlBQUFBQUFBSUFBQUFBQUE9PQ" +
  "AYIHBhcnF1ZXQtY3BwLWFycm93IHZlcnNpb24gMjUuMC4xGSwcAAAcAAAA5AEAAFBBUjE=";

async function load(bytes: Uint8Array) {
  const folder = await tempFolder({ "T.parquet": bytes });
  try {
    return await runCasefile(["load", join(folder, "T.parquet")]);
  } finally {
    await Deno.remove(folder, { recursive: true });
  }
}

Deno.test("casefile load: a valid Parquet file with dotted column names loads", async () => {
  const run = await load(
    new Uint8Array(
      pl.DataFrame({
        "DeviceInfo.OSPlatform": ["Windows11", "Linux"],
        "DeviceInfo.Name": ["wks-7", "srv-2"],
        Count: [3, 1],
      }).writeParquet({ compression: "snappy" }),
    ),
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /DeviceInfo\.OSPlatform/);
  assert.match(run.stdout, /wks-7/);
});

Deno.test("casefile load: pyarrow timestamps stored in a coarser unit load, to the digit", async () => {
  const v1 = await load(Buffer.from(PYARROW_V1_NS, "base64"));
  assert.equal(v1.code, 0, v1.stdout + v1.stderr);
  assert.match(v1.stdout, /2024-03-01T08:00:00\.123456Z,ana/);
  assert.match(v1.stdout, /2024-03-02T17:45:01Z,cy/);
  const ms = await load(Buffer.from(PYARROW_COERCED_MS, "base64"));
  assert.equal(ms.code, 0, ms.stdout + ms.stderr);
  assert.match(ms.stdout, /2024-03-01T08:00:00\.123Z,ana/);
});

Deno.test("casefile load: a pyarrow table with no rows loads, with its columns", async () => {
  const run = await load(Buffer.from(PYARROW_EMPTY, "base64"));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.equal(run.stdout.trim(), "TimeGenerated,Account");
});

Deno.test("casefile load: a timestamp past its footer's maximum is still refused", async () => {
  const times = [1, 2, 3, 4].map((d) => new Date(Date.UTC(2024, 2, d, 8)));
  const bytes = new Uint8Array(
    pl.DataFrame({ TimeGenerated: times }).withColumn(
      pl.col("TimeGenerated").cast(pl.Datetime("us")),
    ).writeParquet({ compression: "uncompressed" }),
  );
  // 2024-03-04 08:00 UTC in microseconds, little-endian; bit 6 of its seventh byte adds 2^54.
  const last = BigInt(Date.UTC(2024, 2, 4, 8)) * 1000n;
  const word = new Uint8Array(new BigInt64Array([last]).buffer);
  const at = bytes.findIndex((_, i) => word.every((b, j) => bytes[i + j] === b));
  assert.ok(at > 0);
  bytes[at + 6] ^= 1 << 6;
  const run = await load(bytes);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stderr, /column TimeGenerated of row group 1 holds \d+, above the maximum/);
});
