/**
 * Sentinel watchlists of the workspace, as files under `watchlists/` that the local
 * provider serves to `_GetWatchlist('<alias>')` (the alias matched loosely against the
 * manifest name, so `VIPUsers` finds `vip_users`). The first column is the search key.
 * VIP users follow Microsoft's "VIP Users" watchlist template; the high-value asset list is
 * IT's `external/high_value_assets.csv`, which `_GetWatchlist('HighValueAssets')` serves.
 *
 * @module
 */
import { ORG, type Organisation } from "./_org.ts";

function csv(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cell = (v: string) => /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
  return [header, ...rows].map((r) => r.map(cell).join(",")).join("\n") + "\n";
}

/** Accounts on the VIP watchlist beyond the HR VIP flag: Global Administrators. */
const PRIVILEGED_VIPS: Readonly<Record<string, string>> = {
  "nadia.brooks": "Global Administrator",
};

/** The VIP users watchlist: executives (HR's VIP flag) and Global Administrators. */
export function vipUsersCsv(org: Organisation): string {
  const rows = org.users
    .filter((u) => u.enabled && (u.vip || PRIVILEGED_VIPS[u.sam] !== undefined))
    .map((u) => [
      u.upn,
      u.sam,
      u.objectId,
      u.sid,
      u.vip ? `Executive, ${u.jobTitle}` : PRIVILEGED_VIPS[u.sam],
    ]);
  return csv(
    ["User Principal Name", "User Identifier", "User AAD Object Id", "User On-Prem Sid", "Tags"],
    rows,
  );
}

/** The emergency-access accounts: cloud-only Global Administrators nobody should use. */
export const BREAK_GLASS_ACCOUNTS = [
  ["breakglass01@larkspurlogistics.onmicrosoft.com", "a7d3e9f1-2b6c-4d80-9e15-7c4f0a2b8d63"],
  ["breakglass02@larkspurlogistics.onmicrosoft.com", "c1f8b2a6-5e3d-4c97-8a40-1d6e9f3b7c25"],
] as const;

/** The break-glass accounts watchlist. */
export function breakGlassCsv(): string {
  return csv(
    // AccountUPN: the column Microsoft's break-glass hunting queries read
    // (Azure-Sentinel "Break-glass account sign-in detected").
    ["AccountUPN", "ObjectId", "Notes"],
    BREAK_GLASS_ACCOUNTS.map(([upn, id]) => [
      upn,
      id,
      `Emergency access for ${ORG.name}: any sign-in must be investigated`,
    ]),
  );
}

/** The watchlist files, with a line on each for the manifest. */
export const WATCHLIST_FILES = [
  {
    name: "vip_users",
    file: "watchlists/vip_users.csv",
    description: "Watchlist VIPUsers (`_GetWatchlist('VIPUsers')`): executives and Global " +
      "Administrators, search key User Principal Name.",
  },
  {
    name: "break_glass_accounts",
    file: "watchlists/break_glass_accounts.csv",
    description: "Watchlist BreakGlassAccounts (`_GetWatchlist('BreakGlassAccounts')`): the " +
      "emergency-access accounts, search key AccountUPN.",
  },
] as const;
