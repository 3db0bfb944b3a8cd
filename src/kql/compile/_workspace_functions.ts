/**
 * Workspace functions Sentinel defines for every workspace, offered when the tables they
 * read exist: the ASIM DNS parsers (`_Im_Dns`, `imDns`, `_ASim_Dns`, `ASimDns` and their
 * Windows DNS server variants) over `DnsEvents`, so that the DNS Essentials hunting queries
 * run on a case folder. They are written here in KQL after the ASIM DNS schema
 * (https://aka.ms/ASimDnsDoc): the DnsEvents columns renamed to the schema's fields, the
 * schema's filtering parameters applied, and the response code and query type named as in
 * RFC 1035 and 6895. The other ASIM parsers (`imAuthentication`, `_Im_NetworkSession`,
 * `imProcessCreate`, ... in `syntax/_asim_sources.ts`) are a union of one leg per source
 * table, built from the legs whose tables the data has. A query's own `let` of the same name
 * hides them.
 *
 * @module
 */
import type * as A from "../syntax/ast.ts";
import { parseQuery } from "../syntax/_parser.ts";
import { WORKSPACE_FUNCTION_TABLES } from "../syntax/_workspace_tables.ts";
import { ASIM_PARSERS, type AsimParser } from "../syntax/_asim_sources.ts";
import { DNS_SCHEMA } from "../syntax/_asim_schemas.ts";
import { type Context, Scope } from "./_context.ts";
import type { KqlSemanticError } from "../errors.ts";

// The filtering parameters every ASIM DNS filtering parser takes, in the schema's order.
const FILTERS = `starttime:datetime=datetime(null), endtime:datetime=datetime(null),
  srcipaddr:string='*', domain_has_any:dynamic=dynamic([]), responsecodename:string='*',
  response_has_ipv4:string='*', response_has_any_prefix:dynamic=dynamic([])`;

// DnsEvents (Windows DNS server, Log Analytics agent) in the ASIM DNS schema; the schema's
// fields DnsEvents does not record are empty, as Sentinel's own parsers leave them (a query
// filtering on NetworkProtocol finds nothing rather than failing). EventId is the
// server's analytic event: 256/260 queries received or sent on (requests), 257 a success,
// the other responses take their result from the response code; 263/264/277/278 are dynamic
// updates and 265-276 zone transfers.
const DNS_EVENTS_BODY = `
  DnsEvents
  | where not(disabled)
  | where (isnull(starttime) or TimeGenerated >= starttime)
      and (isnull(endtime) or TimeGenerated <= endtime)
      and (srcipaddr == '*' or ClientIP == srcipaddr)
      and (array_length(domain_has_any) == 0 or Name has_any (domain_has_any))
      and (response_has_ipv4 == '*' or has_ipv4(IPAddresses, response_has_ipv4))
      and (array_length(response_has_any_prefix) == 0
        or has_any_ipv4_prefix(IPAddresses, response_has_any_prefix))
  | where EventId < 500
  | extend EventType = case(EventId in (263, 264, 277, 278), 'Update',
      EventId between (265 .. 276), 'XFR', 'Query')
  | extend _wanted = iff(eventtype =~ 'lookup', 'Query', eventtype)
  | where _wanted == '*' or _wanted == EventType
  | extend EventSubType = iff(EventId in (256, 260, 263, 265, 266, 269, 270, 273, 274, 277),
      'request', 'response')
  | extend DnsResponseCodeName = case(ResultCode == 0, 'NOERROR', ResultCode == 1, 'FORMERR',
      ResultCode == 2, 'SERVFAIL', ResultCode == 3, 'NXDOMAIN', ResultCode == 4, 'NOTIMP',
      ResultCode == 5, 'REFUSED', ResultCode == 6, 'YXDOMAIN', ResultCode == 7, 'YXRRSET',
      ResultCode == 8, 'NXRRSET', ResultCode == 9, 'NOTAUTH', ResultCode == 10, 'NOTZONE',
      ResultCode between (3841 .. 4095), 'Reserved for Private Use', 'Unassigned')
  | where responsecodename == '*' or DnsResponseCodeName == responsecodename
  | extend DnsQueryTypeName = case(QueryType == '1', 'A', QueryType == '2', 'NS',
      QueryType == '5', 'CNAME', QueryType == '6', 'SOA', QueryType == '12', 'PTR',
      QueryType == '15', 'MX', QueryType == '16', 'TXT', QueryType == '28', 'AAAA',
      QueryType == '33', 'SRV', QueryType == '255', 'ANY', QueryType)
  | extend EventResult = case(EventSubType == 'request', 'NA', EventId in (257, 275, 276),
      'Success', ResultCode == 0, 'Success', 'Failure')
  | project-away _wanted
  | project-rename Dvc = Computer, SrcIpAddr = ClientIP, EventMessage = Message,
      DnsResponseName = IPAddresses, DnsQuery = Name, DnsResponseCode = ResultCode
  | extend _host = split(Dvc, '.')
  | extend DvcHostname = tostring(_host[0]), DvcDomain = strcat_array(array_slice(_host, 1, -1), '.'),
      DvcFQDN = iff(Dvc contains '.', Dvc, '')
  | extend DvcDomainType = iff(DvcFQDN != '', 'FQDN', '')
  | project-away _host
  | extend EventCount = int(1), EventStartTime = TimeGenerated, EventEndTime = TimeGenerated,
      EventVendor = 'Microsoft', EventProduct = 'DNS Server', EventSchema = 'Dns',
      EventSchemaVersion = '0.1.3', EventSeverity = tostring(Severity),
      EventOriginalType = tostring(EventId), EventResultDetails = DnsResponseCodeName
  | extend Domain = DnsQuery, IpAddr = SrcIpAddr, Src = SrcIpAddr, Query = DnsQuery,
      QueryTypeName = DnsQueryTypeName, ResponseName = DnsResponseName,
      ResponseCode = DnsResponseCode, ResponseCodeName = DnsResponseCodeName
  | extend NetworkProtocol = '', DnsQueryClassName = '', DnsFlags = '', DstIpAddr = '',
      SrcHostname = '', SrcDomain = '', SrcFQDN = '', SrcUsername = '', SrcProcessName = '',
      TransactionIdHex = '', DnsSessionId = '', DvcIpAddr = '', EventUid = '',
      SrcPortNumber = int(null), DstPortNumber = int(null), DnsNetworkDuration = int(null)`;

// The unifying parsers start from the schema's empty table (vimDnsEmpty), so a field DnsEvents
// does not fill (DnsQueryType) is an empty column, as in Sentinel.
const DNS_UNION = `union (datatable(${DNS_SCHEMA}) []), (${DNS_EVENTS_BODY})`;

// The source-agnostic parsers (`imDns`): eventtype 'lookup' (queries) and a `pack` flag.
const IM_DNS = `(${FILTERS}, eventtype:string='lookup', pack:bool=false) {
  let disabled = false; ${DNS_UNION} }`;
// The source-specific filtering parsers (`vimDnsMicrosoftOMS`): a `disabled` flag instead.
const VIM_DNS = `(${FILTERS}, eventtype:string='Query', disabled:bool=false) {
  ${DNS_EVENTS_BODY} }`;
// The parameterless parsers (`ASimDns`): every event type, nothing filtered.
const ASIM_DNS = `(pack:bool=false) {
  let starttime = datetime(null); let endtime = datetime(null); let srcipaddr = '*';
  let domain_has_any = dynamic([]); let responsecodename = '*'; let response_has_ipv4 = '*';
  let response_has_any_prefix = dynamic([]); let eventtype = '*'; let disabled = false;
  ${DNS_UNION} }`;

/** Each function's definition (parameters and body) in KQL, by its names. */
const FUNCTIONS: ReadonlyArray<[names: string[], source: string]> = [
  [["_Im_Dns", "imDns"], IM_DNS],
  [["_Im_Dns_MicrosoftOMS", "vimDnsMicrosoftOMS"], VIM_DNS],
  [["_ASim_Dns", "ASimDns", "_ASim_Dns_MicrosoftOMS", "ASimDnsMicrosoftOMS"], ASIM_DNS],
];

const parsed = new Map<string, A.FunctionDefinition>();

function definitionOf(source: string): A.FunctionDefinition {
  const cached = parsed.get(source);
  if (cached) return cached;
  const text = parseQuery(`let f = ${source}; print 1`);
  const statement = text.statements[0];
  if (text.problems?.length || statement?.kind !== "let" || statement.value.kind !== "function") {
    throw new Error(`a built-in workspace function does not parse: ${text.problems?.[0]?.message}`);
  }
  parsed.set(source, statement.value);
  return statement.value;
}

/**
 * The scope of the workspace functions whose tables `ctx` has: the parent of a query's own
 * scope, so that a query's `let` of the same name hides them.
 */
export function workspaceScope(ctx: Context): Scope {
  const scope = new Scope();
  for (const [names, source] of FUNCTIONS) {
    for (const name of names) {
      // The data's own table of the same name (a saved parser output) comes first.
      if (ctx.tables.has(name)) continue;
      const tables = WORKSPACE_FUNCTION_TABLES.get(name) ?? [];
      if (!tables.every((t) => ctx.tables.has(t))) continue;
      scope.set(name, { kind: "function", definition: definitionOf(source), scope });
    }
  }
  for (const parser of ASIM_PARSERS) {
    const legs = parser.legs.filter(([table]) => ctx.tables.has(table));
    if (legs.length === 0) continue;
    const filtering = definitionOf(asimSource(parser, legs, false));
    for (const name of parser.names) {
      if (ctx.tables.has(name)) continue;
      scope.set(name, { kind: "function", definition: filtering, scope });
    }
    const parameterless = definitionOf(asimSource(parser, legs, true));
    for (const name of parser.parameterless) {
      if (ctx.tables.has(name)) continue;
      scope.set(name, { kind: "function", definition: parameterless, scope });
    }
  }
  return scope;
}

// The KQL of an ASIM parser over `legs`: the parameterless variant takes only `pack` and
// binds every filtering parameter to its default.
function asimSource(parser: AsimParser, legs: AsimParser["legs"], parameterless: boolean): string {
  // A parser with a schema starts from its empty table, so every schema field is a column.
  const parts = legs.map(([, body]) => `(${body})`);
  if (parser.schema) parts.unshift(`(datatable(${parser.schema}) [])`);
  const union = parts.length === 1 ? legs[0][1] : `union ${parts.join(", ")}`;
  const body = `${union}\n  ${parser.filter}`;
  if (!parameterless) return `(${parser.params}) { ${body} }`;
  const lets = parser.params.split(/,\s*(?![^()]*\))/).map((p) => {
    const [name, rest] = p.trim().split(":");
    return name === "pack" ? "" : `let ${name} = ${rest.slice(rest.indexOf("=") + 1)};`;
  });
  return `(pack:bool=false) { ${lets.join(" ")} ${body} }`;
}

/**
 * The error for a workspace function named where its tables are missing (`_Im_Dns` on data
 * without DnsEvents), or undefined when `name` is not one of them.
 */
export function missingWorkspaceTables(
  name: string,
  span: A.Span,
  ctx: Context,
): KqlSemanticError | undefined {
  const tables = WORKSPACE_FUNCTION_TABLES.get(name);
  if (!tables) return undefined;
  const missing = tables.filter((t) => !ctx.tables.has(t));
  const which = tables.length === 1
    ? "which this data does not have"
    : "none of which this data has";
  return ctx.unknownTable(
    `${name}() is Sentinel's ASIM parser over ${tables.join(", ")}, ${which}`,
    span,
    `Add ${missing.join(" or ")} to the case folder, or run the query against Sentinel.`,
  );
}
