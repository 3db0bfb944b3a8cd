/**
 * The workspace functions Sentinel defines for every workspace that the local engine offers
 * (see `compile/_workspace_functions.ts`), with the tables each reads: a provider loads those
 * tables for a query that calls one. A function of several tables (`imAuthentication`) is
 * offered when the data has at least one of them.
 *
 * @module
 */
import { ASIM_PARSERS } from "./_asim_sources.ts";

/** The tables each built-in workspace function reads, by its name. */
export const WORKSPACE_FUNCTION_TABLES: ReadonlyMap<string, readonly string[]> = new Map(
  [
    "_Im_Dns",
    "imDns",
    "_Im_Dns_MicrosoftOMS",
    "vimDnsMicrosoftOMS",
    "_ASim_Dns",
    "ASimDns",
    "_ASim_Dns_MicrosoftOMS",
    "ASimDnsMicrosoftOMS",
  ].map((name): [string, readonly string[]] => [name, ["DnsEvents"]]).concat(
    ASIM_PARSERS.flatMap((p) =>
      [...p.names, ...p.parameterless].map((name): [string, readonly string[]] => [
        name,
        p.legs.map(([table]) => table),
      ])
    ),
  ),
);
