/**
 * Loading the REPL's heavy parts after its prompt shows. `deno run` reads and parses every
 * module that a literal `import("./x.ts")` names, and everything that module imports, before
 * the program starts, whether the import ever runs or not (measured: two such imports never
 * taken cost 35 ms of start). A specifier Deno cannot read ahead defers that work to the
 * moment it is needed. Deno then asks for read permission on the module, which the REPL has.
 *
 * @module
 */

/**
 * Imports `url` when called, typed by the caller:
 * `importLater<typeof import("./_charts.ts")>(new URL("./_charts.ts", import.meta.url))`.
 */
export function importLater<T>(url: URL): Promise<T> {
  return import(url.href);
}
