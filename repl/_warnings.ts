/**
 * Imported first by the `casefile` command: silences Node's DEP0040 warning (see
 * `src/viz/warnings.ts`) before anything loads.
 *
 * @module
 */
import { quietPunycode } from "../src/viz/warnings.ts";

quietPunycode();
