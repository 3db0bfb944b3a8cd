/**
 * Keeps glibc's allocator from holding freed Polars buffers across queries.
 *
 * glibc raises its mmap threshold each time a large mmapped block is freed (up to 32 MiB):
 * after the Parquet value checks (or any earlier query) free their buffers, a big query's
 * column buffers come from the heap instead of mmap, and freed ones are kept rather than
 * returned. Measured (issue 22, `arg_max(TimeGenerated, *)` over 50M rows): a query run after
 * the checks peaked at 8.1-8.8 GiB where the same plan in a fresh process peaks at 5.8 GiB.
 * Pinning the threshold (glibc's `mallopt(M_MMAP_THRESHOLD)`, which also turns the dynamic
 * adjustment off) makes every buffer past it its own mapping, returned when freed.
 *
 * @module
 */

/** glibc's `M_MMAP_THRESHOLD` parameter of `mallopt`. */
const M_MMAP_THRESHOLD = -3;
/**
 * Blocks from 2 MiB up are mapped on their own. glibc's default, 128 KiB, made ordinary queries
 * 2.3× slower (many mid-size column buffers mapped and unmapped); 2 MiB keeps the big
 * buffers that build the peak mapped and costs nothing measurable (8 MiB is too high: no gain).
 */
const THRESHOLD_BYTES = 2 * 1024 * 1024;

let pinned: boolean | undefined;

/**
 * Pins glibc's mmap threshold once per process, where it can: on Linux with glibc and the
 * FFI permission already granted (never prompted for). Elsewhere nothing changes.
 *
 * @returns Whether the threshold is pinned.
 */
export function pinMmapThreshold(): boolean {
  if (pinned !== undefined) return pinned;
  pinned = false;
  try {
    if (Deno.build.os !== "linux") return false;
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return false;
    const libc = Deno.dlopen("libc.so.6", {
      mallopt: { parameters: ["i32", "i32"], result: "i32" },
    });
    pinned = libc.symbols.mallopt(M_MMAP_THRESHOLD, THRESHOLD_BYTES) === 1;
  } catch {
    // musl or no libc.so.6: the allocator keeps its defaults
  }
  return pinned;
}
