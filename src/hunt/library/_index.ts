/**
 * The built-in families of the hunting library, one file each (`_<family>.ts`). Updated as
 * families are added.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";
import { FAMILY as azure } from "./_azure.ts";
import { FAMILY as dns } from "./_dns.ts";
import { FAMILY as endpoint } from "./_endpoint.ts";
import { FAMILY as identity } from "./_identity.ts";
import { FAMILY as linux } from "./_linux.ts";
import { FAMILY as network } from "./_network.ts";
import { FAMILY as office } from "./_office.ts";
import { FAMILY as threatIntel } from "./_threat_intel.ts";
import { FAMILY as windows } from "./_windows.ts";

/** The built-in families, in the order they are listed. */
export const BUILTIN_FAMILIES: readonly HuntFamily[] = [
  identity,
  office,
  azure,
  threatIntel,
  dns,
  windows,
  linux,
  endpoint,
  network,
];
