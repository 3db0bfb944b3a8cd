/**
 * The azure family: the Azure control plane (AzureActivity): deletions, role assignments,
 * Key Vault access, network rules opened to the internet, VM run commands, and what a
 * caller or an address did.
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

/** The Azure Activity (control plane) family. */
export const FAMILY: HuntFamily = {
  name: "azure",
  description:
    "Azure control-plane activity (AzureActivity): resource deletions, role assignments, Key Vault access policy changes, network security rules opened to the internet, VM run commands, unusual operations per caller, and the activity of a caller or an address.",
  queries: [
    {
      name: "resourceDeletions",
      description:
        "Successful deletions of Azure resources by caller and resource group: many deletions by one caller in a short time can be destruction after a takeover (or removal of logging and backups). Benign causes: teardown of test environments, infrastructure-as-code pipelines replacing resources.",
      tables: ["AzureActivity"],
      parameters: {
        caller: {
          type: "account",
          description: "Only this caller (user principal name or app id); empty for all.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Impact"],
      techniques: ["T1485"],
      columns: [
        "Caller",
        "CallerIpAddress",
        "ResourceGroup",
        "Deletions",
        "ResourceTypes",
        "Resources",
        "FirstSeen",
        "LastSeen",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where isempty({caller}) or Caller =~ {caller}
| where OperationNameValue endswith "/DELETE" and ActivityStatusValue in~ ("Success", "Succeeded")
| extend ResourceType = tostring(split(OperationNameValue, "/")[1])
| summarize Deletions = count(), ResourceTypes = make_set(ResourceType, 20),
    Resources = make_set(_ResourceId, 50),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Caller, CallerIpAddress, ResourceGroup
| order by Deletions desc
| project Caller, CallerIpAddress, ResourceGroup, Deletions, ResourceTypes, Resources, FirstSeen, LastSeen`,
    },
    {
      name: "roleAssignmentWrites",
      description:
        "Azure RBAC role assignments created, with the role definition, the principal given it and the scope. An attacker with Owner or User Access Administrator grants a role to an account or service principal they control to keep access. Benign causes: access requests and deployments that assign managed identities their roles.",
      tables: ["AzureActivity"],
      parameters: {
        caller: {
          type: "account",
          description: "Only this caller (user principal name or app id); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098.003"],
      columns: [
        "TimeGenerated",
        "Caller",
        "CallerIpAddress",
        "RoleDefinitionId",
        "PrincipalId",
        "PrincipalType",
        "Scope",
        "ActivityStatusValue",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where isempty({caller}) or Caller =~ {caller}
| where OperationNameValue =~ "MICROSOFT.AUTHORIZATION/ROLEASSIGNMENTS/WRITE"
| where ActivityStatusValue in~ ("Start", "Success", "Succeeded")
| extend Request = parse_json(tostring(Properties_d.requestbody))
| extend RoleDefinitionId = tostring(Request.Properties.RoleDefinitionId),
    PrincipalId = tostring(Request.Properties.PrincipalId),
    PrincipalType = tostring(Request.Properties.PrincipalType),
    Scope = tostring(Request.Properties.Scope)
| project TimeGenerated, Caller, CallerIpAddress, RoleDefinitionId, PrincipalId, PrincipalType, Scope,
    ActivityStatusValue
| order by TimeGenerated asc`,
    },
    {
      name: "keyVaultAccessPolicyChanges",
      description:
        "Key Vault access policies written or vaults reconfigured: granting a new identity get/list on secrets, keys or certificates is how an attacker reaches stored credentials, and turning off purge protection or network rules prepares their theft or destruction. Benign causes: onboarding an application or a managed identity to a vault.",
      tables: ["AzureActivity"],
      parameters: {},
      window: "14d",
      tactics: ["Credential Access", "Persistence"],
      techniques: ["T1555.006", "T1098"],
      columns: [
        "TimeGenerated",
        "Caller",
        "CallerIpAddress",
        "OperationNameValue",
        "Vault",
        "ResourceGroup",
        "ActivityStatusValue",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where OperationNameValue in~ ("MICROSOFT.KEYVAULT/VAULTS/ACCESSPOLICIES/WRITE", "MICROSOFT.KEYVAULT/VAULTS/WRITE")
| where ActivityStatusValue in~ ("Success", "Succeeded")
| extend Vault = tostring(split(_ResourceId, "/")[-1])
| project TimeGenerated, Caller, CallerIpAddress, OperationNameValue, Vault, ResourceGroup, ActivityStatusValue
| order by TimeGenerated asc`,
    },
    {
      name: "nsgRulesOpenedToInternet",
      description:
        "Network security group rules written that allow inbound traffic from any address (*, Internet, 0.0.0.0/0), with the ports: exposing RDP, SSH or management ports to the internet opens a way in, or an exfiltration path. Benign causes: public web front ends on 80/443, and short-lived rules made while troubleshooting (which should be removed).",
      tables: ["AzureActivity"],
      parameters: {},
      window: "14d",
      tactics: ["Defense Evasion"],
      techniques: ["T1562.007"],
      columns: [
        "TimeGenerated",
        "Caller",
        "CallerIpAddress",
        "Rule",
        "Source",
        "Ports",
        "ResourceGroup",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where OperationNameValue in~ ("MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/SECURITYRULES/WRITE", "MICROSOFT.NETWORK/NETWORKSECURITYGROUPS/WRITE")
| where ActivityStatusValue in~ ("Start", "Success", "Succeeded")
| extend Request = parse_json(tostring(Properties_d.requestbody))
| extend Access = tostring(Request.properties.access), Direction = tostring(Request.properties.direction),
    Source = tostring(Request.properties.sourceAddressPrefix),
    Ports = coalesce(tostring(Request.properties.destinationPortRange), tostring(Request.properties.destinationPortRanges))
| where Access =~ "Allow" and Direction =~ "Inbound" and Source in ("*", "Internet", "Any", "0.0.0.0/0")
| extend Rule = tostring(split(_ResourceId, "/")[-1])
| project TimeGenerated, Caller, CallerIpAddress, Rule, Source, Ports, ResourceGroup
| order by TimeGenerated asc`,
    },
    {
      name: "vmRunCommands",
      description:
        "Run Command invoked on virtual machines (Windows and Linux): runs scripts as SYSTEM or root through the Azure agent, without a network logon, so an attacker with Contributor can execute code on any VM. Benign causes: admins troubleshooting VMs they cannot reach, and automation using Run Command by design.",
      tables: ["AzureActivity"],
      parameters: {
        caller: {
          type: "account",
          description: "Only this caller (user principal name or app id); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Execution"],
      techniques: ["T1651"],
      columns: [
        "TimeGenerated",
        "Caller",
        "CallerIpAddress",
        "VirtualMachine",
        "ResourceGroup",
        "OperationNameValue",
        "ActivityStatusValue",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where isempty({caller}) or Caller =~ {caller}
| where OperationNameValue in~ ("MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMAND/ACTION", "MICROSOFT.COMPUTE/VIRTUALMACHINES/RUNCOMMANDS/WRITE")
| where ActivityStatusValue in~ ("Start", "Success", "Succeeded")
| extend VirtualMachine = tostring(split(_ResourceId, "/")[8])
| project TimeGenerated, Caller, CallerIpAddress, VirtualMachine, ResourceGroup, OperationNameValue,
    ActivityStatusValue
| order by TimeGenerated asc`,
    },
    {
      name: "rareOperationsByCaller",
      description:
        "Write, delete and action operations a caller performed in the window that it had not performed in the baseline period before it: a stolen identity doing things its owner never does (listing keys, assigning roles, changing diagnostics). Benign causes: new projects and new team members, and rarely used but legitimate admin tasks.",
      tables: ["AzureActivity"],
      parameters: {
        baseline: {
          type: "timespan",
          description: "How far back before the window to learn each caller's usual operations.",
          default: "14d",
        },
      },
      window: "1d",
      tactics: ["Defense Evasion", "Initial Access"],
      techniques: ["T1078.004"],
      columns: [
        "Caller",
        "OperationNameValue",
        "Count",
        "CallerIpAddresses",
        "ResourceGroups",
        "FirstSeen",
      ],
      query: `let usual = AzureActivity
    | where TimeGenerated between (({start} - {baseline}) .. {start})
    | where isnotempty(Caller)
    | distinct Caller, OperationNameValue;
AzureActivity
| where TimeGenerated between ({start} .. {end})
| where isnotempty(Caller)
| where OperationNameValue endswith "/WRITE" or OperationNameValue endswith "/DELETE" or OperationNameValue endswith "/ACTION"
| join kind=leftanti usual on Caller, OperationNameValue
| summarize Count = count(), CallerIpAddresses = make_set(CallerIpAddress, 10),
    ResourceGroups = make_set(ResourceGroup, 10), FirstSeen = min(TimeGenerated)
    by Caller, OperationNameValue
| order by FirstSeen asc
| project Caller, OperationNameValue, Count, CallerIpAddresses, ResourceGroups, FirstSeen`,
    },
    {
      name: "activityOfCaller",
      description:
        "Every control-plane operation of one caller, in time order, with the address, resource and status: what a suspected account or service principal did in Azure.",
      tables: ["AzureActivity"],
      parameters: {
        caller: {
          type: "account",
          description: "The caller (user principal name, or the app id of a service principal).",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "OperationNameValue",
        "ActivityStatusValue",
        "CallerIpAddress",
        "ResourceGroup",
        "_ResourceId",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where Caller =~ {caller}
| project TimeGenerated, OperationNameValue, ActivityStatusValue, CallerIpAddress, ResourceGroup, _ResourceId
| order by TimeGenerated asc`,
    },
    {
      name: "activityFromIp",
      description:
        "Control-plane operations from one address, summarised by caller and operation: which identities an address used in Azure and what they did there.",
      tables: ["AzureActivity"],
      parameters: {
        ip: { type: "ip", description: "The caller's address (CallerIpAddress)." },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "Caller",
        "OperationNameValue",
        "Count",
        "Statuses",
        "ResourceGroups",
        "FirstSeen",
        "LastSeen",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where CallerIpAddress == {ip}
| summarize Count = count(), Statuses = make_set(ActivityStatusValue, 10),
    ResourceGroups = make_set(ResourceGroup, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Caller, OperationNameValue
| order by FirstSeen asc
| project Caller, OperationNameValue, Count, Statuses, ResourceGroups, FirstSeen, LastSeen`,
    },
    {
      name: "activitySummaryOfResourceGroup",
      description:
        "Who did what in one resource group: operations by caller and address with counts and time span, to see the changes around an affected resource.",
      tables: ["AzureActivity"],
      parameters: {
        resourceGroup: { type: "string", description: "The resource group's name." },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "Caller",
        "CallerIpAddress",
        "OperationNameValue",
        "Count",
        "FirstSeen",
        "LastSeen",
      ],
      query: `AzureActivity
| where TimeGenerated between ({start} .. {end})
| where ResourceGroup =~ {resourceGroup}
| summarize Count = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by Caller, CallerIpAddress, OperationNameValue
| order by FirstSeen asc
| project Caller, CallerIpAddress, OperationNameValue, Count, FirstSeen, LastSeen`,
    },
  ],
};
