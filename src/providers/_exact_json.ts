/**
 * Exact integers from a provider's JSON answer (shared with the JSON loaders: the code
 * lives in `src/_exact_json.ts`).
 *
 * @module
 */
export { bigSeries, isRaw, parseExact } from "../_exact_json.ts";
