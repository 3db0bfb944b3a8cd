/**
 * The "office" family: Exchange Online, SharePoint / OneDrive and Teams audit events
 * (OfficeActivity) and Defender for Office 365 mail flow (EmailEvents).
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

const VICTIM = "daniel.reyes@larkspurlogistics.example";

/**
 * Application ids of Microsoft's own mail clients and services (Microsoft Office, Outlook,
 * Outlook mobile, Teams, Exchange Online (Outlook on the web's old id), Outlook on the web's
 * id since 2024 (message center MC711020), the Office portal, Microsoft Graph): mail read
 * through them is the owner's own client, not a third-party app.
 */
const MICROSOFT_MAIL_CLIENTS =
  `"d3590ed6-52b3-4102-aeff-aad2292ab01c", "5d661950-3475-41cd-a2c3-d671a3162bc1",
    "27922004-5251-4030-b22d-91ecd9a37ea4", "1fec8e78-bce4-4aaf-ab1b-5451cc387264",
    "00000002-0000-0ff1-ce00-000000000000", "9199bf20-a13f-4107-85dc-02114787ef48",
    "00000006-0000-0ff1-ce00-000000000000", "00000003-0000-0000-c000-000000000000"`;

/** Queries over OfficeActivity and EmailEvents. */
export const FAMILY: HuntFamily = {
  name: "office",
  description:
    "Microsoft 365 audit and mail: inbox rules, mailbox forwarding and permissions, mail access over legacy protocols, file downloads and sharing, and phishing delivery.",
  queries: [
    {
      name: "inboxRulesForwardingMail",
      description:
        "Inbox rules created or changed to forward, redirect or forward-as-attachment mail, with the target address and whether it is outside the organisation. Attackers who take over a mailbox forward payment mail to themselves to run invoice fraud; benign causes are users forwarding to a personal address or to a colleague covering their leave.",
      tables: ["OfficeActivity"],
      parameters: {
        account: {
          type: "account",
          description: "Only rules made by this user (UPN); empty for everyone.",
          default: "",
        },
        internalDomain: {
          type: "domain",
          description:
            "The organisation's mail domain; targets outside it are flagged as external.",
          default: "",
          example: "larkspurlogistics.example",
        },
      },
      window: "7d",
      tactics: ["Collection"],
      techniques: ["T1114.003"],
      columns: [
        "TimeGenerated",
        "UserId",
        "ClientIP",
        "Operation",
        "RuleName",
        "Target",
        "TargetDomain",
        "IsExternal",
        "Keywords",
        "MarkAsRead",
        "DeleteMessage",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation in~ ("New-InboxRule", "Set-InboxRule", "UpdateInboxRules")
| where isempty({account}) or UserId =~ {account}
| where Parameters has_any ("ForwardTo", "RedirectTo", "ForwardAsAttachmentTo")
| mv-apply Param = parse_json(Parameters) on (
    summarize Fields = make_bag(bag_pack(tostring(Param.Name), tostring(Param.Value))))
| extend Target = coalesce(tostring(Fields.ForwardTo), tostring(Fields.RedirectTo),
    tostring(Fields.ForwardAsAttachmentTo))
| extend TargetDomain = tolower(tostring(split(Target, "@")[1]))
| extend IsExternal = isempty({internalDomain}) or not(TargetDomain endswith tolower({internalDomain}))
| project TimeGenerated, UserId, ClientIP, Operation, RuleName = tostring(Fields.Name), Target,
    TargetDomain, IsExternal, Keywords = tostring(Fields.SubjectOrBodyContainsWords),
    MarkAsRead = tostring(Fields.MarkAsRead), DeleteMessage = tostring(Fields.DeleteMessage)
| order by TimeGenerated asc`,
    },
    {
      name: "inboxRulesHidingMail",
      description:
        "Inbox rules that hide mail from the owner: delete it, mark it read, move it to a rarely opened folder (RSS, Archive, Conversation History), or carry a name of only punctuation, often keyed on finance or security words. Attackers use them to keep replies and security notices out of sight; newsletter and clean-up rules are the usual benign hits, so look at the keywords and the client IP.",
      tables: ["OfficeActivity"],
      parameters: {
        account: {
          type: "account",
          description: "Only rules made by this user (UPN); empty for everyone.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Defense Evasion"],
      techniques: ["T1564.008"],
      columns: [
        "TimeGenerated",
        "UserId",
        "ClientIP",
        "RuleName",
        "Keywords",
        "MoveToFolder",
        "MarkAsRead",
        "DeleteMessage",
        "Reasons",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation in~ ("New-InboxRule", "Set-InboxRule", "UpdateInboxRules")
| where isempty({account}) or UserId =~ {account}
| mv-apply Param = parse_json(Parameters) on (
    summarize Fields = make_bag(bag_pack(tostring(Param.Name), tostring(Param.Value))))
| extend RuleName = tostring(Fields.Name), Keywords = tostring(Fields.SubjectOrBodyContainsWords),
    MoveToFolder = tostring(Fields.MoveToFolder), MarkAsRead = tostring(Fields.MarkAsRead),
    DeleteMessage = tostring(coalesce(tostring(Fields.DeleteMessage), tostring(Fields.SoftDeleteMessage)))
| extend Reasons = array_concat(
    iff(DeleteMessage =~ "True", dynamic(["deletes mail"]), dynamic([])),
    iff(MarkAsRead =~ "True", dynamic(["marks mail read"]), dynamic([])),
    iff(MoveToFolder has_any ("RSS", "Archive", "Conversation History", "Deleted Items", "Junk"),
        dynamic(["moves mail to a hidden folder"]), dynamic([])),
    iff(RuleName matches regex @"^[^A-Za-z0-9]{0,3}$", dynamic(["name is only punctuation"]), dynamic([])),
    iff(Keywords has_any ("invoice", "payment", "remittance", "bank", "wire", "password", "security", "phish", "hack"),
        dynamic(["keys on finance or security words"]), dynamic([])))
| where array_length(Reasons) >= 2
| project TimeGenerated, UserId, ClientIP, RuleName, Keywords, MoveToFolder, MarkAsRead,
    DeleteMessage, Reasons
| order by TimeGenerated asc`,
    },
    {
      name: "inboxRulesOfMailbox",
      description:
        "Every inbox rule created, changed or removed on one mailbox, with its parameters. Context for a mailbox under suspicion: a rule made from an unfamiliar IP or shortly after a risky sign-in deserves a look; most rules are the owner's own filing.",
      tables: ["OfficeActivity"],
      parameters: {
        mailbox: {
          type: "mailbox",
          description: "The mailbox (owner's UPN).",
          example: VICTIM,
        },
      },
      window: "30d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "Operation",
        "UserId",
        "ClientIP",
        "ClientInfoString",
        "RuleName",
        "Parameters",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation in~ ("New-InboxRule", "Set-InboxRule", "Remove-InboxRule", "Disable-InboxRule",
    "Enable-InboxRule", "UpdateInboxRules")
| where MailboxOwnerUPN =~ {mailbox} or UserId =~ {mailbox} or OfficeObjectId startswith {mailbox}
| extend RuleName = tostring(split(OfficeObjectId, "\\\\")[1])
| project TimeGenerated, Operation, UserId, ClientIP, ClientInfoString, RuleName, Parameters
| order by TimeGenerated asc`,
    },
    {
      name: "mailForwardedToDomain",
      description:
        "Inbox rules and mailbox settings that send mail to addresses in one domain. Pivot from a suspicious domain (a threat-intel hit, a look-alike of a supplier) to the mailboxes that forward to it; a hit on a partner's real domain can be an agreed arrangement.",
      tables: ["OfficeActivity"],
      parameters: {
        domain: {
          type: "domain",
          description: "The receiving mail domain.",
          example: "securemail-relay.example",
        },
      },
      window: "30d",
      tactics: [],
      techniques: [],
      columns: ["TimeGenerated", "UserId", "ClientIP", "Operation", "OfficeObjectId", "Parameters"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation in~ ("New-InboxRule", "Set-InboxRule", "UpdateInboxRules", "Set-Mailbox",
    "New-TransportRule", "Set-TransportRule")
| where Parameters has {domain}
| project TimeGenerated, UserId, ClientIP, Operation, OfficeObjectId, Parameters
| order by TimeGenerated asc`,
    },
    {
      name: "mailboxForwardingSet",
      description:
        "Mailbox-level forwarding switched on with Set-Mailbox (ForwardingSmtpAddress or ForwardingAddress), which copies every message and is invisible in Outlook's rules. An attacker or rogue insider keeps reading mail this way; admins set it for leavers and shared mailboxes, so check who made the change and to where.",
      tables: ["OfficeActivity"],
      parameters: {},
      window: "14d",
      tactics: ["Collection"],
      techniques: ["T1114.003"],
      columns: ["TimeGenerated", "UserId", "ClientIP", "Mailbox", "ForwardTo", "KeepCopy"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation =~ "Set-Mailbox"
| where Parameters has_any ("ForwardingSmtpAddress", "ForwardingAddress")
| mv-apply Param = parse_json(Parameters) on (
    summarize Fields = make_bag(bag_pack(tostring(Param.Name), tostring(Param.Value))))
| extend ForwardTo = coalesce(tostring(Fields.ForwardingSmtpAddress), tostring(Fields.ForwardingAddress))
| where isnotempty(ForwardTo)
| project TimeGenerated, UserId, ClientIP, Mailbox = tostring(Fields.Identity),
    ForwardTo = trim_start("(?i)smtp:", ForwardTo), KeepCopy = tostring(Fields.DeliverToMailboxAndForward)
| order by TimeGenerated asc`,
    },
    {
      name: "mailboxPermissionGrants",
      description:
        "FullAccess, SendAs, SendOnBehalf and folder permissions granted on mailboxes. An attacker with admin rights grants an account they control access to executives' mail; delegations for assistants and shared mailboxes are the normal case, so look for grants outside change windows or to unusual accounts.",
      tables: ["OfficeActivity"],
      parameters: {
        account: {
          type: "account",
          description: "Only grants made by this admin (UPN); empty for everyone.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098.002"],
      columns: [
        "TimeGenerated",
        "UserId",
        "ClientIP",
        "Operation",
        "Mailbox",
        "GrantedTo",
        "Rights",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation in~ ("Add-MailboxPermission", "Add-RecipientPermission", "Add-MailboxFolderPermission",
    "Set-MailboxFolderPermission", "Set-Mailbox")
| where isempty({account}) or UserId =~ {account}
| where Operation !~ "Set-Mailbox" or Parameters has "GrantSendOnBehalfTo"
| mv-apply Param = parse_json(Parameters) on (
    summarize Fields = make_bag(bag_pack(tostring(Param.Name), tostring(Param.Value))))
| project TimeGenerated, UserId, ClientIP, Operation, Mailbox = tostring(Fields.Identity),
    GrantedTo = coalesce(tostring(Fields.User), tostring(Fields.Trustee), tostring(Fields.GrantSendOnBehalfTo)),
    Rights = coalesce(tostring(Fields.AccessRights), iff(Operation =~ "Set-Mailbox", "SendOnBehalf", ""))
| order by TimeGenerated asc`,
    },
    {
      name: "mailboxAuditBypass",
      description:
        "Mailbox auditing switched off: Set-MailboxAuditBypassAssociation with AuditBypassEnabled, or Set-Mailbox / Set-OrganizationConfig turning auditing off. An intruder does this to read mail without leaving MailItemsAccessed records; some backup and archiving service accounts are legitimately bypassed, which should be documented.",
      tables: ["OfficeActivity"],
      parameters: {},
      window: "30d",
      tactics: ["Defense Evasion"],
      techniques: ["T1562.008"],
      columns: ["TimeGenerated", "UserId", "ClientIP", "Operation", "OfficeObjectId", "Parameters"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where (Operation =~ "Set-MailboxAuditBypassAssociation" and Parameters has "AuditBypassEnabled"
        and Parameters has "True")
    or (Operation in~ ("Set-Mailbox", "Set-OrganizationConfig")
        and Parameters has_any ("AuditEnabled", "AuditDisabled"))
| project TimeGenerated, UserId, ClientIP, Operation, OfficeObjectId, Parameters
| order by TimeGenerated asc`,
    },
    {
      name: "legacyProtocolMailAccess",
      description:
        "Mail read over legacy protocols (IMAP4, POP3) that cannot do MFA, by user and client address. After a password spray an attacker often downloads the mailbox over IMAP before MFA is in the way; printers, scanners and old phone mail apps are the benign users, usually from known office addresses.",
      tables: ["OfficeActivity"],
      parameters: {
        account: {
          type: "account",
          description: "Only this user (UPN); empty for everyone.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Collection"],
      techniques: ["T1114.002"],
      columns: ["UserId", "ClientAddress", "ClientInfoString", "Events", "FirstSeen", "LastSeen"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where OfficeWorkload =~ "Exchange" and Operation in~ ("MailItemsAccessed", "Send", "Update")
| where ClientInfoString has_any ("IMAP4", "POP3")
| where isempty({account}) or UserId =~ {account}
| extend ClientAddress = coalesce(Client_IPAddress, ClientIP)
| summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserId, ClientAddress, ClientInfoString
| order by FirstSeen asc`,
    },
    {
      name: "mailAccessFromNewAddress",
      description:
        "Users whose mailbox was used from a client address not seen for them in the earlier part of the window. A stolen session or password shows up as mail access from a new address (often abroad or a hosting provider); travel, home broadband changes and mobile networks are the common benign causes.",
      tables: ["OfficeActivity"],
      parameters: {
        recent: {
          type: "timespan",
          description:
            "How far back from the end of the window counts as recent; earlier is the baseline.",
          default: "1d",
          example: "5d",
        },
      },
      window: "14d",
      tactics: ["Initial Access"],
      techniques: ["T1078.004"],
      columns: ["UserId", "ClientAddress", "Events", "Operations", "Clients", "FirstSeen"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where OfficeWorkload =~ "Exchange" and isnotempty(Client_IPAddress)
| extend Recent = TimeGenerated >= {end} - {recent}
| summarize Events = countif(Recent), BaselineEvents = countif(not(Recent)),
    Operations = make_set_if(Operation, Recent, 10), Clients = make_set_if(ClientInfoString, Recent, 5),
    FirstSeen = minif(TimeGenerated, Recent)
    by UserId, ClientAddress = Client_IPAddress
| where Events > 0 and BaselineEvents == 0
| join kind=inner (
    OfficeActivity
    | where TimeGenerated between ({start} .. {end} - {recent})
    | where OfficeWorkload =~ "Exchange" and isnotempty(Client_IPAddress)
    | distinct UserId
  ) on UserId
| project UserId, ClientAddress, Events, Operations, Clients, FirstSeen
| order by FirstSeen asc`,
    },
    {
      name: "mailboxAccessByOthers",
      description:
        "Mail items in one mailbox read by a different account (delegate or admin access), from MailItemsAccessed. A compromised account with delegated or application permissions reads executives' mail this way; assistants, shared mailboxes and eDiscovery are the benign causes.",
      tables: ["OfficeActivity"],
      parameters: {
        mailbox: {
          type: "mailbox",
          description: "Only this mailbox (owner's UPN); empty for every mailbox.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Collection"],
      techniques: ["T1114.002"],
      columns: ["MailboxOwnerUPN", "UserId", "ClientAddress", "Events", "FirstSeen", "LastSeen"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation =~ "MailItemsAccessed"
| where isnotempty(MailboxOwnerUPN) and UserId !~ MailboxOwnerUPN
| where isempty({mailbox}) or MailboxOwnerUPN =~ {mailbox}
| extend ClientAddress = coalesce(Client_IPAddress, ClientIP)
| summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by MailboxOwnerUPN, UserId, ClientAddress
| order by Events desc`,
    },
    {
      name: "massFileDownloads",
      description:
        "Users who downloaded or synced an unusual number of SharePoint / OneDrive files in one hour. Data theft before a departure or by an intruder with a stolen session looks like this; sync clients setting up a new laptop and migrations are the usual benign causes.",
      tables: ["OfficeActivity"],
      parameters: {
        threshold: {
          type: "long",
          description: "Downloads in one hour from one user and address that count as mass.",
          default: 50,
        },
      },
      window: "7d",
      tactics: ["Collection"],
      techniques: ["T1530"],
      columns: ["Hour", "UserId", "ClientIP", "Downloads", "Sites", "SampleFiles"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where OfficeWorkload in~ ("SharePoint", "OneDrive")
| where Operation in~ ("FileDownloaded", "FileSyncDownloadedFull")
| summarize Downloads = count(), Sites = dcount(Site_Url), SampleFiles = make_set(SourceFileName, 10)
    by Hour = bin(TimeGenerated, 1h), UserId, ClientIP
| where Downloads >= {threshold}
| order by Downloads desc`,
    },
    {
      name: "externalSharing",
      description:
        "SharePoint / OneDrive files and folders shared with anonymous links or with guests and external addresses. A quick way to move data out without any network alert; sharing with partners and customers is normal, so look for bulk sharing, anonymous links to sensitive sites, and new recipients.",
      tables: ["OfficeActivity"],
      parameters: {
        account: {
          type: "account",
          description: "Only sharing done by this user (UPN); empty for everyone.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Exfiltration"],
      techniques: ["T1567"],
      columns: [
        "TimeGenerated",
        "UserId",
        "ClientIP",
        "Operation",
        "SharedWith",
        "TargetType",
        "Item",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where OfficeWorkload in~ ("SharePoint", "OneDrive")
| where Operation in~ ("AnonymousLinkCreated", "AnonymousLinkUsed", "SharingInvitationCreated",
    "SharingSet", "AddedToSecureLink", "SecureLinkCreated", "CompanyLinkCreated")
| where isempty({account}) or UserId =~ {account}
| where Operation has "Anonymous" or TargetUserOrGroupType in~ ("Guest", "External")
    or UserSharedWith has "#ext#"
| project TimeGenerated, UserId, ClientIP, Operation, SharedWith = coalesce(UserSharedWith, TargetUserOrGroupName),
    TargetType = TargetUserOrGroupType, Item = OfficeObjectId
| order by TimeGenerated asc`,
    },
    {
      name: "teamsExternalMembersAdded",
      description:
        "Guests and external users added to Teams teams or chats. An intruder adds an account they control to keep access to conversations and files after the password is reset; project work with partners is the common benign cause.",
      tables: ["OfficeActivity"],
      parameters: {},
      window: "14d",
      tactics: ["Persistence"],
      techniques: ["T1136.003"],
      columns: ["TimeGenerated", "UserId", "TeamName", "Member", "Role"],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where OfficeWorkload =~ "MicrosoftTeams" and Operation =~ "MemberAdded"
| mv-expand Member = Members
| extend MemberUpn = tostring(Member.UPN)
| where MemberUpn has "#EXT#" or tostring(Member.Role) == "3"
| project TimeGenerated, UserId, TeamName, Member = MemberUpn, Role = tostring(Member.Role)
| order by TimeGenerated asc`,
    },
    {
      name: "activityOfAccount",
      description:
        "Everything one user did in Exchange, SharePoint / OneDrive, Teams and Entra ID logons as audited by Microsoft 365, in time order. Context for an account: look for new client addresses, legacy clients, rule changes and bulk file access around a suspicious sign-in.",
      tables: ["OfficeActivity"],
      parameters: {
        account: {
          type: "account",
          description: "The user (UPN).",
          example: VICTIM,
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "OfficeWorkload",
        "Operation",
        "ClientIP",
        "ClientInfoString",
        "OfficeObjectId",
        "ResultStatus",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where UserId =~ {account}
| project TimeGenerated, OfficeWorkload, Operation, ClientIP, ClientInfoString, OfficeObjectId, ResultStatus
| order by TimeGenerated asc`,
    },
    {
      name: "activityFromIp",
      description:
        "Microsoft 365 activity from one client address (Exchange logs the address with a port, which is allowed for), by user and operation. Context for an IP: which accounts used it, for what, and when; a shared office or VPN address naturally has many users.",
      tables: ["OfficeActivity"],
      parameters: {
        ip: {
          type: "ip",
          description: "The client IP address.",
          example: "203.0.113.45",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "UserId",
        "OfficeWorkload",
        "Operation",
        "ClientInfoString",
        "Events",
        "FirstSeen",
        "LastSeen",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where ClientIP == {ip} or ClientIP startswith strcat({ip}, ":") or ClientIP startswith strcat("[", {ip}, "]")
    or Client_IPAddress == {ip} or ActorIpAddress == {ip}
| summarize Events = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserId, OfficeWorkload, Operation, ClientInfoString
| order by FirstSeen asc`,
    },
    {
      name: "fileActivity",
      description:
        "Who accessed, downloaded, changed or shared one SharePoint / OneDrive file (matched on its name or URL), from where. Context for a file: a sensitive document touched by an unexpected account or address is worth following up.",
      tables: ["OfficeActivity"],
      parameters: {
        file: {
          type: "file",
          description: "The file's name or part of its URL.",
          example: "AP ageing March.xlsx",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "UserId",
        "ClientIP",
        "Operation",
        "SourceFileName",
        "OfficeObjectId",
        "UserAgent",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where OfficeWorkload in~ ("SharePoint", "OneDrive")
| where SourceFileName =~ {file} or OfficeObjectId has {file}
| project TimeGenerated, UserId, ClientIP, Operation, SourceFileName, OfficeObjectId, UserAgent
| order by TimeGenerated asc`,
    },
    {
      name: "phishingDeliveredToMailbox",
      description:
        "Mail that Defender for Office 365 classed as phishing or malware but that still reached an inbox (delivered, not blocked or quarantined), with sender and subject. A user who then signs in from a new address or clicks the link may be compromised; detections later fixed by zero-hour purge show in LatestDeliveryAction.",
      tables: ["EmailEvents"],
      parameters: {
        mailbox: {
          type: "mailbox",
          description: "Only mail to this recipient; empty for every mailbox.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Initial Access"],
      techniques: ["T1566.001", "T1566.002"],
      columns: [
        "TimeGenerated",
        "RecipientEmailAddress",
        "SenderFromAddress",
        "SenderIPv4",
        "Subject",
        "ThreatTypes",
        "DeliveryLocation",
        "LatestDeliveryAction",
        "NetworkMessageId",
      ],
      query: `EmailEvents
| where TimeGenerated between ({start} .. {end})
| where ThreatTypes has_any ("Phish", "Malware")
| where DeliveryAction =~ "Delivered" and DeliveryLocation !in~ ("Quarantine", "Dropped", "Failed")
| where isempty({mailbox}) or RecipientEmailAddress =~ {mailbox}
| project TimeGenerated, RecipientEmailAddress, SenderFromAddress, SenderIPv4, Subject, ThreatTypes,
    DeliveryLocation, LatestDeliveryAction, NetworkMessageId
| order by TimeGenerated asc`,
    },
    {
      name: "emailsFromSenderDomain",
      description:
        "Mail received from one sender domain (envelope or header From), by recipient, with how it was delivered and any threat verdicts. Context for a domain: who got mail from it and whether any was flagged.",
      tables: ["EmailEvents"],
      parameters: {
        domain: {
          type: "domain",
          description: "The sender's domain.",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "RecipientEmailAddress",
        "SenderFromAddress",
        "Messages",
        "Subjects",
        "ThreatTypes",
        "DeliveryActions",
        "FirstSeen",
        "LastSeen",
      ],
      query: `EmailEvents
| where TimeGenerated between ({start} .. {end})
| where SenderFromDomain =~ {domain} or SenderMailFromDomain =~ {domain}
| summarize Messages = count(), Subjects = make_set(Subject, 10), ThreatTypes = make_set(ThreatTypes, 5),
    DeliveryActions = make_set(DeliveryAction, 5), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by RecipientEmailAddress, SenderFromAddress
| order by Messages desc`,
    },
    {
      name: "newSenderDomainBurst",
      description:
        "Mail from a sender domain the organisation had not received mail from before the window (the baseline), delivered to the inboxes of several people within an hour of its first message, with a link or an attachment. Consent and credential phishing comes from freshly registered look-alike domains that pass SPF, DKIM and DMARC (the attacker owns them) and often carries no verdict; a first contact that reaches many inboxes at once is a campaign, not a correspondent. Benign causes: a new supplier's or event's mailing, a newly adopted SaaS service's notices; read the subject, the display name and the sender's address.",
      tables: ["EmailEvents"],
      parameters: {
        minRecipients: {
          type: "long",
          description: "Fewest distinct inbox recipients within the burst.",
          default: 3,
        },
        burst: {
          type: "timespan",
          description: "How long after the domain's first message its recipients are counted.",
          default: "1h",
        },
        baseline: {
          type: "timespan",
          description: "How far before the window a domain counts as already known.",
          default: "14d",
        },
      },
      window: "7d",
      tactics: ["Initial Access"],
      techniques: ["T1566.002", "T1566.001"],
      columns: [
        "TimeGenerated",
        "SenderFromDomain",
        "Senders",
        "SenderNames",
        "SenderIPs",
        "Subjects",
        "Recipients",
        "RecipientCount",
        "Links",
        "Attachments",
        "Verdicts",
        "LastSeen",
      ],
      query: `let known = EmailEvents
    | where TimeGenerated between (({start} - {baseline}) .. {start})
    | where EmailDirection =~ "Inbound"
    | distinct SenderFromDomain;
let inbound = EmailEvents
    | where TimeGenerated between ({start} .. {end})
    | where EmailDirection =~ "Inbound" and isnotempty(SenderFromDomain)
    | where SenderFromDomain !in (known);
let firsts = inbound
    | summarize FirstMessage = min(TimeGenerated) by SenderFromDomain;
inbound
| join kind=inner firsts on SenderFromDomain
| where TimeGenerated <= FirstMessage + {burst}
| where DeliveryAction =~ "Delivered" and DeliveryLocation startswith "Inbox"
| where UrlCount > 0 or AttachmentCount > 0
| summarize TimeGenerated = min(TimeGenerated), Senders = make_set(SenderFromAddress, 5),
    SenderNames = make_set(SenderDisplayName, 5), SenderIPs = make_set(SenderIPv4, 5),
    Subjects = make_set(Subject, 5), Recipients = make_set(RecipientEmailAddress, 50),
    RecipientCount = dcount(RecipientEmailAddress), Links = max(UrlCount),
    Attachments = max(AttachmentCount), Verdicts = make_set(ThreatTypes, 5),
    LastSeen = max(TimeGenerated) by SenderFromDomain
| where RecipientCount >= {minRecipients}
| project TimeGenerated, SenderFromDomain, Senders, SenderNames, SenderIPs, Subjects, Recipients,
    RecipientCount, Links, Attachments, Verdicts, LastSeen
| order by TimeGenerated asc`,
    },
    {
      name: "mailReadByApp",
      description:
        "Mailbox items read (MailItemsAccessed) through an application other than Microsoft's own mail clients, by mailbox, app and address. An OAuth app granted Mail.Read by consent phishing reads mail through Microsoft Graph with no password and no sign-in by the owner; the records carry the app's id (AppId, ClientAppId) and a REST client string. Benign causes: backup, archiving, CRM and e-signature apps the organisation approved (list their ids in trustedApps); such apps read many mailboxes from their vendor's addresses.",
      tables: ["OfficeActivity"],
      parameters: {
        mailbox: {
          type: "mailbox",
          description: "Only this mailbox (owner's UPN); empty for every mailbox.",
          default: "",
        },
        trustedApps: {
          type: "strings",
          description: "Application ids approved to read mail, left out.",
          default: [],
        },
      },
      window: "7d",
      tactics: ["Collection"],
      techniques: ["T1114.002"],
      columns: [
        "TimeGenerated",
        "UserId",
        "AppId",
        "ClientIP",
        "Events",
        "Folders",
        "ClientInfoString",
        "LastSeen",
      ],
      query: `OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation =~ "MailItemsAccessed"
| extend App = tolower(coalesce(tostring(AppId), tostring(ClientAppId)))
| where isnotempty(App)
| where App !in (${MICROSOFT_MAIL_CLIENTS})
| where App !in~ ({trustedApps})
| where isempty({mailbox}) or MailboxOwnerUPN =~ {mailbox} or UserId =~ {mailbox}
| mv-apply Param = parse_json(Parameters) on (
    summarize Folder = take_anyif(tostring(Param.Value), tostring(Param.Name) == "FolderPath"))
| summarize TimeGenerated = min(TimeGenerated), Events = count(), Folders = make_set(Folder, 10),
    ClientInfoString = take_any(ClientInfoString), LastSeen = max(TimeGenerated)
    by UserId, AppId = App, ClientIP
| project TimeGenerated, UserId, AppId, ClientIP, Events, Folders, ClientInfoString, LastSeen
| order by TimeGenerated asc`,
    },
    {
      name: "consentThenMailAccess",
      description:
        "Consent granted to an application followed, within a day by default, by mailbox items read through that same application (MailItemsAccessed with its AppId). The sequence is illicit consent grant put to use: the app was authorised and then immediately harvested mail. Benign causes: a newly approved mail tool (archiving, e-signature, CRM) starting its sync; check the publisher, the permissions and where the reads come from.",
      tables: ["AuditLogs", "OfficeActivity"],
      parameters: {
        within: {
          type: "timespan",
          description: "How long after the consent mail access counts.",
          default: "1d",
        },
      },
      window: "7d",
      tactics: ["Credential Access", "Collection"],
      techniques: ["T1528", "T1114.002"],
      columns: [
        "TimeGenerated",
        "ConsentTime",
        "AppName",
        "AppId",
        "ConsentedBy",
        "UserId",
        "ClientIPs",
        "Events",
        "LastSeen",
      ],
      query: `let consents = AuditLogs
    | where TimeGenerated between ({start} .. {end})
    | where OperationName == "Consent to application"
    | mv-apply Detail = AdditionalDetails on (
        summarize ConsentedApp = take_anyif(tostring(Detail.value), tostring(Detail.key) == "AppId"))
    | where isnotempty(ConsentedApp)
    | project ConsentTime = TimeGenerated, AppId = tolower(ConsentedApp),
        AppName = tostring(TargetResources[0].displayName),
        ConsentedBy = tostring(InitiatedBy.user.userPrincipalName);
OfficeActivity
| where TimeGenerated between ({start} .. {end})
| where Operation =~ "MailItemsAccessed"
| extend App = tolower(coalesce(tostring(AppId), tostring(ClientAppId)))
| where isnotempty(App)
| project-away AppId
| join kind=inner (consents) on $left.App == $right.AppId
| where TimeGenerated between (ConsentTime .. (ConsentTime + {within}))
| summarize TimeGenerated = min(TimeGenerated), ClientIPs = make_set(ClientIP, 5), Events = count(),
    LastSeen = max(TimeGenerated) by ConsentTime, AppName, AppId, ConsentedBy, UserId
| project TimeGenerated, ConsentTime, AppName, AppId, ConsentedBy, UserId, ClientIPs, Events,
    LastSeen
| order by TimeGenerated asc`,
    },
  ],
};
