/**
 * The identity family: Entra ID sign-ins (interactive and non-interactive), directory
 * changes (AuditLogs) and the account inventory (IdentityInfo).
 *
 * @module
 */
import type { HuntFamily } from "../types.ts";

/** The Entra ID sign-ins and directory family. */
export const FAMILY: HuntFamily = {
  name: "identity",
  description:
    "Entra ID sign-ins and directory changes: password spray and brute force, legacy authentication, MFA abuse, new countries and impossible travel, risky and threat-intel sign-ins, MFA registration, role, consent, credential and policy changes, and the context of an account, an address or an application.",
  queries: [
    // ---- Credential attacks on sign-in ----------------------------------------------
    {
      name: "passwordSpraySourcesByIp",
      description:
        "Addresses that tried passwords against many different accounts and nearly always failed: the shape of a password spray. A hit lists the spraying addresses with how many accounts each tried and whether any attempt succeeded. Benign causes: a misconfigured shared device or proxy presenting stale credentials for many users (that usually succeeds too, so its failure rate stays low).",
      tables: ["SigninLogs"],
      parameters: {
        minAccounts: {
          type: "long",
          description: "Fewest distinct accounts an address must try to be reported.",
          default: 10,
        },
      },
      window: "14d",
      tactics: ["Credential Access"],
      techniques: ["T1110.003"],
      columns: [
        "IPAddress",
        "Attempts",
        "Failures",
        "Successes",
        "Accounts",
        "ClientApps",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| summarize Attempts = count(),
    Failures = countif(ResultType in ("50126", "50053", "50055", "50056", "50057", "50034")),
    Successes = countif(ResultType == "0"),
    Accounts = dcount(UserPrincipalName),
    ClientApps = make_set(ClientAppUsed, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress
| where Accounts >= {minAccounts} and Failures >= 0.8 * Attempts
| order by Accounts desc
| project IPAddress, Attempts, Failures, Successes, Accounts, ClientApps, FirstSeen, LastSeen`,
    },
    {
      name: "sprayedAccountsThatSignedIn",
      description:
        "Accounts that signed in successfully from an address that failed against many other accounts in the same window: a password spray that found a working password. Each hit is a probable compromise to contain (revoke sessions, reset the password). Addresses where most attempts succeed (office egress, where many users' typos fail) are left out. Benign causes: a small shared NAT or a misconfigured device presenting stale passwords for many users (raise minAccounts).",
      tables: ["SigninLogs"],
      parameters: {
        minAccounts: {
          type: "long",
          description: "Fewest distinct accounts an address must have failed against.",
          default: 10,
        },
      },
      window: "14d",
      tactics: ["Credential Access", "Initial Access"],
      techniques: ["T1110.003", "T1078.004"],
      columns: [
        "TimeGenerated",
        "UserPrincipalName",
        "IPAddress",
        "AppDisplayName",
        "ClientAppUsed",
        "AuthenticationRequirement",
        "SprayedAccounts",
        "SprayFailures",
      ],
      query: `let sprayers = SigninLogs
    | where TimeGenerated between ({start} .. {end})
    | summarize Attempts = count(),
        SprayFailures = countif(ResultType in ("50126", "50053", "50055", "50056", "50057", "50034")),
        SprayedAccounts = dcountif(UserPrincipalName, ResultType != "0")
        by IPAddress
    | where SprayedAccounts >= {minAccounts} and SprayFailures >= 0.8 * Attempts
    | project IPAddress, SprayedAccounts, SprayFailures;
SigninLogs
| where TimeGenerated between ({start} .. {end})
| where ResultType == "0"
| join kind=inner sprayers on IPAddress
| project TimeGenerated, UserPrincipalName, IPAddress, AppDisplayName, ClientAppUsed,
    AuthenticationRequirement, SprayedAccounts, SprayFailures
| order by TimeGenerated asc`,
    },
    {
      name: "bruteForceAgainstAccount",
      description:
        "Accounts with many wrong-password failures from one address in an hour, and whether that address later got in: password guessing against a single account. A success after the burst is a probable compromise. Benign causes: a device or script retrying an old password after a password change (failures every few minutes, all day).",
      tables: ["SigninLogs"],
      parameters: {
        minFailures: {
          type: "long",
          description: "Fewest failures in one hour from one address to one account.",
          default: 10,
        },
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1110.001"],
      columns: [
        "UserPrincipalName",
        "IPAddress",
        "Hour",
        "Failures",
        "SuccessesAfter",
        "ClientApps",
      ],
      query: `let attempts = SigninLogs
    | where TimeGenerated between ({start} .. {end})
    | where isempty({account}) or UserPrincipalName =~ {account};
attempts
| where ResultType in ("50126", "50053", "50055", "50056", "50057", "50034")
| summarize Failures = count(), ClientApps = make_set(ClientAppUsed, 10), LastFailure = max(TimeGenerated)
    by UserPrincipalName, IPAddress, Hour = bin(TimeGenerated, 1h)
| where Failures >= {minFailures}
| join kind=leftouter (
    attempts
    | where ResultType == "0"
    | project UserPrincipalName, IPAddress, SuccessTime = TimeGenerated
  ) on UserPrincipalName, IPAddress
| summarize SuccessesAfter = countif(SuccessTime > LastFailure)
    by UserPrincipalName, IPAddress, Hour, Failures, tostring(ClientApps)
| project UserPrincipalName, IPAddress, Hour, Failures, SuccessesAfter, ClientApps
| order by Failures desc`,
    },
    {
      name: "failuresOnDisabledOrUnknownAccounts",
      description:
        "Addresses trying to sign in as disabled accounts (50057) or names that do not exist (50034): the signature of an attacker working from a stale or guessed list of addresses, often as part of a spray. Benign causes: a leaver's old phone still syncing mail, or a typo in a service's configured username (one account, one address, steady over days).",
      tables: ["SigninLogs"],
      parameters: {
        minAccounts: {
          type: "long",
          description: "Fewest distinct disabled or unknown names an address must try.",
          default: 3,
        },
      },
      window: "14d",
      tactics: ["Credential Access", "Reconnaissance"],
      techniques: ["T1110.003", "T1589.002"],
      columns: [
        "IPAddress",
        "DisabledAccountAttempts",
        "UnknownAccountAttempts",
        "Accounts",
        "SampleAccounts",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where ResultType in ("50057", "50034")
| summarize DisabledAccountAttempts = countif(ResultType == "50057"),
    UnknownAccountAttempts = countif(ResultType == "50034"),
    Accounts = dcount(UserPrincipalName), SampleAccounts = make_set(UserPrincipalName, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress
| where Accounts >= {minAccounts}
| order by Accounts desc
| project IPAddress, DisabledAccountAttempts, UnknownAccountAttempts, Accounts, SampleAccounts,
    FirstSeen, LastSeen`,
    },
    {
      name: "scriptedClientSignIns",
      description:
        "Sign-ins whose user agent is a script or a password-grant (ROPC) client rather than a browser or an Office app: BAV2ROPC, python-requests, curl, Go and PowerShell clients. Attack tools and sprayers use them; a success is worth checking. Benign causes: admins' PowerShell modules and line-of-business scripts on known servers, and old mail clients that log in with ROPC.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "7d",
      tactics: ["Credential Access", "Initial Access"],
      techniques: ["T1110", "T1078.004"],
      columns: [
        "UserAgent",
        "IPAddress",
        "Attempts",
        "Successes",
        "Accounts",
        "AccountsSignedIn",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where UserAgent has_any ("BAV2ROPC", "python-requests", "python-urllib", "curl", "Go-http-client", "WindowsPowerShell", "axios", "okhttp")
| summarize Attempts = count(), Successes = countif(ResultType == "0"),
    Accounts = dcount(UserPrincipalName),
    AccountsSignedIn = make_set_if(UserPrincipalName, ResultType == "0", 20),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserAgent, IPAddress
| order by Successes desc, Attempts desc
| project UserAgent, IPAddress, Attempts, Successes, Accounts, AccountsSignedIn, FirstSeen, LastSeen`,
    },
    // ---- Legacy authentication and conditional access ----------------------------------
    {
      name: "legacyAuthSuccesses",
      description:
        "Successful sign-ins over legacy protocols (IMAP, POP, SMTP AUTH, ActiveSync, EWS and other basic-auth clients), which cannot do MFA: a stolen password alone is enough. A hit from an unfamiliar address or country is a probable compromise. Benign causes: multifunction printers and scanners sending mail with SMTP AUTH, old phone mail apps on ActiveSync, line-of-business apps reading a mailbox over IMAP.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: ["Initial Access", "Defense Evasion"],
      techniques: ["T1078.004"],
      columns: [
        "UserPrincipalName",
        "ClientAppUsed",
        "IPAddress",
        "Country",
        "SignIns",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType == "0" and ClientAppUsed in ("IMAP4", "POP3", "Authenticated SMTP", "Exchange ActiveSync", "Exchange Web Services", "MAPI Over HTTP",
    "Offline Address Book", "Outlook Anywhere (RPC over HTTP)", "Exchange Online PowerShell", "AutoDiscover", "Other clients")
| extend Country = tostring(LocationDetails.countryOrRegion)
| summarize SignIns = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserPrincipalName, ClientAppUsed, IPAddress, Country
| order by SignIns asc
| project UserPrincipalName, ClientAppUsed, IPAddress, Country, SignIns, FirstSeen, LastSeen`,
    },
    {
      name: "successesAllowedByReportOnlyPolicy",
      description:
        "Successful sign-ins that a conditional access policy in report-only mode would have blocked (result reportOnlyFailure): the policy exists but does not protect. Typical of 'block legacy authentication' left in report-only. Each hit is a sign-in that an enforced policy would have stopped. Benign causes: a policy being piloted on purpose; check with its owner and move it to enforced.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: ["Defense Evasion", "Initial Access"],
      techniques: ["T1078.004"],
      columns: [
        "UserPrincipalName",
        "IPAddress",
        "ClientAppUsed",
        "PolicyName",
        "SignIns",
        "Apps",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType == "0"
| mv-expand Policy = ConditionalAccessPolicies
| where tostring(Policy.result) == "reportOnlyFailure"
| extend PolicyName = tostring(Policy.displayName)
| summarize SignIns = count(), Apps = make_set(AppDisplayName, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserPrincipalName, IPAddress, ClientAppUsed, PolicyName
| order by SignIns asc
| project UserPrincipalName, IPAddress, ClientAppUsed, PolicyName, SignIns, Apps, FirstSeen, LastSeen`,
    },
    {
      name: "conditionalAccessBlocks",
      description:
        "Sign-ins blocked by conditional access (53003 and related codes), by account, address and application. Repeated blocks from one address across accounts point at someone holding valid passwords (the password step passed). Benign causes: staff travelling to a blocked country, unmanaged personal devices against a compliant-device policy.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Initial Access", "Credential Access"],
      techniques: ["T1078.004"],
      columns: [
        "UserPrincipalName",
        "IPAddress",
        "Country",
        "AppDisplayName",
        "ResultType",
        "Blocks",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType in ("53000", "53001", "53002", "53003", "530032") or (ConditionalAccessStatus == "failure" and ResultType != "0")
| extend Country = tostring(LocationDetails.countryOrRegion)
| summarize Blocks = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserPrincipalName, IPAddress, Country, AppDisplayName, ResultType
| order by Blocks desc
| project UserPrincipalName, IPAddress, Country, AppDisplayName, ResultType, Blocks, FirstSeen, LastSeen`,
    },
    // ---- MFA -----------------------------------------------------------------------
    {
      name: "mfaDenialsPerAccount",
      description:
        "Accounts with repeated MFA failures or denials (500121, 50074 followed by no success, 50076) in an hour: push-notification fatigue (an attacker with the password spamming prompts) or a user refusing prompts they did not start. A success right after many denials is a probable compromise. Benign causes: a user with a broken authenticator app, or a phone without signal.",
      tables: ["SigninLogs"],
      parameters: {
        minDenials: {
          type: "long",
          description: "Fewest MFA failures in an hour to report.",
          default: 3,
        },
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1621"],
      columns: [
        "UserPrincipalName",
        "Hour",
        "Denials",
        "Successes",
        "IPAddresses",
        "Countries",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType in ("500121", "50074", "50076", "50158") or ResultType == "0"
| summarize Denials = countif(ResultType == "500121"),
    Successes = countif(ResultType == "0"),
    IPAddresses = make_set(IPAddress, 10),
    Countries = make_set(tostring(LocationDetails.countryOrRegion), 10)
    by UserPrincipalName, Hour = bin(TimeGenerated, 1h)
| where Denials >= {minDenials}
| order by Denials desc
| project UserPrincipalName, Hour, Denials, Successes, IPAddresses, Countries`,
    },
    {
      name: "mfaRegistrationDemanded",
      description:
        "Sign-ins interrupted because the account has to register MFA first (50079, 50072): whoever completes that registration owns the second factor. From an address or country the user never used, it is an attacker enrolling their own authenticator with a stolen password. Benign causes: new starters and users who just changed phones, usually from the office.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: ["Persistence", "Initial Access"],
      techniques: ["T1098.005", "T1078.004"],
      columns: [
        "TimeGenerated",
        "UserPrincipalName",
        "IPAddress",
        "Country",
        "City",
        "AppDisplayName",
        "ResultType",
        "UserAgent",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType in ("50079", "50072")
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city)
| project TimeGenerated, UserPrincipalName, IPAddress, Country, City, AppDisplayName, ResultType, UserAgent
| order by TimeGenerated asc`,
    },
    {
      name: "mfaMethodRegistrations",
      description:
        "Security info (MFA method) registrations, with who registered it, from where and which method. After a password compromise, an attacker registers their own authenticator to keep access. A registration from an address the user never signed in from, or right after a sign-in from a new country, is suspicious. Benign causes: new starters and users replacing a phone, from the office.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: ["Persistence"],
      techniques: ["T1098.005"],
      columns: [
        "TimeGenerated",
        "OperationName",
        "UserPrincipalName",
        "IPAddress",
        "Method",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName in ("User registered security info", "User registered all required security info", "Admin registered security info", "User changed default security info")
| extend UserPrincipalName = tostring(TargetResources[0].userPrincipalName),
    IPAddress = tostring(InitiatedBy.user.ipAddress)
| where isempty({account}) or UserPrincipalName =~ {account}
| mv-apply Detail = AdditionalDetails on (
    where tostring(Detail.key) == "Method"
    | summarize Method = take_any(tostring(Detail.value)))
| project TimeGenerated, OperationName, UserPrincipalName, IPAddress, Method, Result
| order by TimeGenerated asc`,
    },
    {
      name: "mfaRegistrationFromUnfamiliarIp",
      description:
        "MFA methods registered from an address the same user had not signed in from successfully before the registration window: the attacker's own authenticator being added from their infrastructure. Benign causes: the first registration of a new starter, or a user registering from home the first time they work remotely.",
      tables: ["AuditLogs", "SigninLogs"],
      parameters: {
        baseline: {
          type: "timespan",
          description: "How far back before the window to learn each user's usual addresses.",
          default: "14d",
        },
      },
      window: "7d",
      tactics: ["Persistence"],
      techniques: ["T1098.005"],
      columns: ["TimeGenerated", "UserPrincipalName", "IPAddress", "Method"],
      query: `let known = SigninLogs
    | where TimeGenerated between (({start} - {baseline}) .. {start})
    | where ResultType == "0"
    | distinct UserPrincipalName = tolower(UserPrincipalName), IPAddress;
AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName == "User registered security info"
| extend UserPrincipalName = tolower(tostring(TargetResources[0].userPrincipalName)),
    IPAddress = tostring(InitiatedBy.user.ipAddress)
| join kind=leftanti known on UserPrincipalName, IPAddress
| mv-apply Detail = AdditionalDetails on (
    where tostring(Detail.key) == "Method"
    | summarize Method = take_any(tostring(Detail.value)))
| project TimeGenerated, UserPrincipalName, IPAddress, Method
| order by TimeGenerated asc`,
    },
    {
      name: "mfaRegistrationStateChanges",
      description:
        "Accounts whose MFA registration state changed in IdentityInfo during the window (not registered, then registered, or the reverse). A user who never had MFA and suddenly has it may have had it registered by an attacker; MFA disappearing may be an admin reset before a takeover. Benign causes: onboarding and phone replacements.",
      tables: ["IdentityInfo"],
      parameters: {},
      window: "14d",
      tactics: ["Persistence"],
      techniques: ["T1098.005"],
      columns: [
        "AccountUPN",
        "Department",
        "WasRegistered",
        "IsRegistered",
        "PreviousRecord",
        "ChangedRecord",
      ],
      query: `IdentityInfo
| where TimeGenerated between ({start} .. {end})
| project TimeGenerated, AccountUPN, Department, IsMFARegistered
| sort by AccountUPN asc, TimeGenerated asc
| extend PreviousUpn = prev(AccountUPN), PreviousState = prev(IsMFARegistered), PreviousTime = prev(TimeGenerated)
| where PreviousUpn == AccountUPN and PreviousState != IsMFARegistered
| project AccountUPN, Department, WasRegistered = PreviousState, IsRegistered = IsMFARegistered,
    PreviousRecord = PreviousTime, ChangedRecord = TimeGenerated
| order by ChangedRecord asc`,
    },
    // ---- Location and risk --------------------------------------------------------
    {
      name: "newCountryForAccount",
      description:
        "Successful or MFA-interrupted sign-ins from a country the account had not signed in from during the baseline period before the window: the commonest sign of a stolen credential used from abroad. Benign causes: business travel, holidays, and VPNs that exit in another country; check HR or the user's calendar.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
        baseline: {
          type: "timespan",
          description: "How far back before the window to learn each account's countries.",
          default: "14d",
        },
      },
      window: "7d",
      tactics: ["Initial Access"],
      techniques: ["T1078.004"],
      columns: [
        "UserPrincipalName",
        "Country",
        "City",
        "FirstSeen",
        "SignIns",
        "IPAddresses",
        "Apps",
      ],
      query: `let usual = SigninLogs
    | where TimeGenerated between (({start} - {baseline}) .. {start})
    | where ResultType == "0"
    | distinct UserPrincipalName, Country = tostring(LocationDetails.countryOrRegion);
SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType in ("0", "50074", "50076", "50079")
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city)
| where isnotempty(Country)
| join kind=leftanti usual on UserPrincipalName, Country
| summarize FirstSeen = min(TimeGenerated), SignIns = count(), City = take_any(City),
    IPAddresses = make_set(IPAddress, 10), Apps = make_set(AppDisplayName, 10)
    by UserPrincipalName, Country
| order by FirstSeen asc
| project UserPrincipalName, Country, City, FirstSeen, SignIns, IPAddresses, Apps`,
    },
    {
      name: "impossibleTravel",
      description:
        "Consecutive sign-ins of one account from places too far apart for the time between them (faster than a plane), using Entra ID's geolocation. One of the pair is often an attacker using a stolen password or token. Benign causes: VPNs and cloud proxies that exit far away, mobile networks geolocated to their home country, and coarse geolocation of some ranges.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
        maxSpeedKmh: {
          type: "long",
          description: "Speed above which travel is impossible, in km/h.",
          default: 900,
        },
      },
      window: "7d",
      tactics: ["Initial Access"],
      techniques: ["T1078.004"],
      columns: [
        "UserPrincipalName",
        "PreviousTime",
        "PreviousIp",
        "PreviousCountry",
        "TimeGenerated",
        "IPAddress",
        "Country",
        "DistanceKm",
        "SpeedKmh",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where ResultType in ("0", "50074", "50076", "50079")
| extend Country = tostring(LocationDetails.countryOrRegion),
    Latitude = toreal(LocationDetails.geoCoordinates.latitude),
    Longitude = toreal(LocationDetails.geoCoordinates.longitude)
| where isnotnull(Latitude) and isnotnull(Longitude)
| sort by UserPrincipalName asc, TimeGenerated asc
| extend PreviousUser = prev(UserPrincipalName), PreviousTime = prev(TimeGenerated),
    PreviousIp = prev(IPAddress), PreviousCountry = prev(Country),
    PreviousLatitude = prev(Latitude), PreviousLongitude = prev(Longitude)
| where PreviousUser == UserPrincipalName and Country != PreviousCountry
| extend DistanceKm = round(geo_distance_2points(PreviousLongitude, PreviousLatitude, Longitude, Latitude) / 1000.0, 0),
    Hours = (TimeGenerated - PreviousTime) / 1h
| extend SpeedKmh = round(DistanceKm / max_of(Hours, 1.0 / 60), 0)
| where SpeedKmh > {maxSpeedKmh}
| project UserPrincipalName, PreviousTime, PreviousIp, PreviousCountry, TimeGenerated, IPAddress,
    Country, DistanceKm, SpeedKmh`,
    },
    {
      name: "riskySignIns",
      description:
        "Sign-ins Entra ID Identity Protection rated risky (risk level during sign-in medium or high, or any level when the risk is still open), with the risk detections behind the rating. Unfamiliar properties, anonymous IP and password spray detections on a successful sign-in deserve a look. Benign causes: travel, consumer VPNs, and new devices, which produce most low-risk detections.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Initial Access"],
      techniques: ["T1078.004"],
      columns: [
        "TimeGenerated",
        "UserPrincipalName",
        "IPAddress",
        "Country",
        "ResultType",
        "RiskLevelDuringSignIn",
        "RiskState",
        "RiskEventTypes_V2",
        "AppDisplayName",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where isempty({account}) or UserPrincipalName =~ {account}
| where RiskLevelDuringSignIn in~ ("medium", "high") or RiskState in~ ("atRisk", "confirmedCompromised")
| extend Country = tostring(LocationDetails.countryOrRegion)
| project TimeGenerated, UserPrincipalName, IPAddress, Country, ResultType, RiskLevelDuringSignIn,
    RiskState, RiskEventTypes_V2, AppDisplayName
| order by TimeGenerated asc`,
    },
    {
      name: "signInsFromThreatIntelIps",
      description:
        "Sign-in attempts (failed or successful) from addresses listed as active indicators in ThreatIntelligenceIndicator. Failures show who was targeted; a success from a listed address is a probable compromise. Benign causes: shared infrastructure (cloud hosting, VPN exits, Tor) that a feed lists for someone else's abuse, and stale indicators.",
      tables: ["SigninLogs", "ThreatIntelligenceIndicator"],
      parameters: {},
      window: "14d",
      tactics: ["Initial Access", "Credential Access"],
      techniques: ["T1078.004", "T1110"],
      columns: [
        "IPAddress",
        "ThreatType",
        "ConfidenceScore",
        "Description",
        "Attempts",
        "Successes",
        "Accounts",
        "FirstSeen",
        "LastSeen",
      ],
      query: `let indicators = ThreatIntelligenceIndicator
    | where TimeGenerated <= {end}
    | where Active == true and ExpirationDateTime > {start} and isnotempty(NetworkIP)
    | summarize arg_max(TimeGenerated, ThreatType, ConfidenceScore, Description) by NetworkIP
    | project IPAddress = NetworkIP, ThreatType, ConfidenceScore, Description;
SigninLogs
| where TimeGenerated between ({start} .. {end})
| summarize Attempts = count(), Successes = countif(ResultType == "0"),
    Accounts = dcount(UserPrincipalName), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress
| join kind=inner indicators on IPAddress
| order by Successes desc, Attempts desc
| project IPAddress, ThreatType, ConfidenceScore, Description, Attempts, Successes, Accounts, FirstSeen, LastSeen`,
    },
    {
      name: "rareIpSuccessfulSignIns",
      description:
        "Successful sign-ins from public addresses that only one account used, a handful of times, in the window: the short-lived infrastructure of an attacker stands out against office and home addresses that recur. Benign causes: hotel, airport and mobile-network addresses of travelling staff, and home broadband addresses that change.",
      tables: ["SigninLogs"],
      parameters: {
        maxSignIns: {
          type: "long",
          description: "Most successful sign-ins from the address to still call it rare.",
          default: 5,
        },
      },
      window: "7d",
      tactics: ["Initial Access"],
      techniques: ["T1078.004"],
      columns: [
        "IPAddress",
        "UserPrincipalName",
        "Country",
        "SignIns",
        "Apps",
        "ClientApps",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where ResultType == "0" and not(ipv4_is_private(IPAddress))
| summarize SignIns = count(), Accounts = dcount(UserPrincipalName),
    UserPrincipalName = take_any(UserPrincipalName),
    Country = take_any(tostring(LocationDetails.countryOrRegion)),
    Apps = make_set(AppDisplayName, 10), ClientApps = make_set(ClientAppUsed, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress
| where Accounts == 1 and SignIns <= {maxSignIns}
| order by FirstSeen asc
| project IPAddress, UserPrincipalName, Country, SignIns, Apps, ClientApps, FirstSeen, LastSeen`,
    },
    // ---- Directory changes -----------------------------------------------------------
    {
      name: "strongAuthMethodUpdates",
      description:
        "Directory updates to a user's strong authentication settings (StrongAuthenticationMethod, StrongAuthenticationPhoneAppDetail, StrongAuthenticationUserDetails): the change behind any new or removed MFA method, whoever made it. An admin clearing a user's methods, or methods changing right after a suspicious sign-in, deserves a look. Benign causes: helpdesk MFA resets and users setting up a new phone.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this target account (user principal name); empty for all.",
          default: "",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: ["Persistence"],
      techniques: ["T1098.005"],
      columns: [
        "TimeGenerated",
        "TargetUser",
        "InitiatedByUser",
        "InitiatedByApp",
        "ChangedProperties",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName == "Update user"
| where tostring(TargetResources) contains "StrongAuthentication"
| extend TargetUser = tostring(TargetResources[0].userPrincipalName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByApp = tostring(InitiatedBy.app.displayName)
| where isempty({account}) or TargetUser =~ {account}
| mv-apply Property = TargetResources[0].modifiedProperties on (
    where tostring(Property.displayName) != "Included Updated Properties"
    | summarize ChangedProperties = make_set(tostring(Property.displayName)))
| project TimeGenerated, TargetUser, InitiatedByUser, InitiatedByApp, ChangedProperties
| order by TimeGenerated asc`,
    },
    {
      name: "directoryRoleAssignments",
      description:
        "Members added to Entra ID directory roles (permanent, eligible or scoped), with who did it and from where. A new Global Administrator or Privileged Role Administrator outside change control is a classic persistence and escalation step. Benign causes: planned admin onboarding, and PIM activations of eligible roles.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this target account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098.003"],
      columns: [
        "TimeGenerated",
        "OperationName",
        "Role",
        "TargetUser",
        "InitiatedByUser",
        "InitiatedByApp",
        "IPAddress",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName in ("Add member to role", "Add eligible member to role", "Add scoped member to role", "Add member to role completed (PIM activation)")
| extend TargetUser = tostring(TargetResources[0].userPrincipalName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByApp = tostring(InitiatedBy.app.displayName),
    IPAddress = tostring(InitiatedBy.user.ipAddress)
| where isempty({account}) or TargetUser =~ {account}
| mv-apply Property = TargetResources[0].modifiedProperties on (
    where tostring(Property.displayName) == "Role.DisplayName"
    | summarize Role = take_any(trim('"', tostring(Property.newValue))))
| project TimeGenerated, OperationName, Role, TargetUser, InitiatedByUser, InitiatedByApp, IPAddress, Result
| order by TimeGenerated asc`,
    },
    {
      name: "groupMembershipAdditions",
      description:
        "Members added to directory groups, optionally only groups whose name contains a word (admin, finance, approvers). Groups gate access to applications, mailboxes and Azure roles, so adding an account to a privileged group quietly extends what it can reach. Benign causes: joiners and movers handled by the service desk or a provisioning tool.",
      tables: ["AuditLogs"],
      parameters: {
        group: {
          type: "string",
          description: "Only groups whose name contains this text; empty for all.",
          default: "",
        },
        account: {
          type: "account",
          description: "Only this added account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098"],
      columns: [
        "TimeGenerated",
        "GroupName",
        "Member",
        "InitiatedByUser",
        "InitiatedByApp",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName == "Add member to group"
| extend Member = tostring(TargetResources[0].userPrincipalName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByApp = tostring(InitiatedBy.app.displayName)
| where isempty({account}) or Member =~ {account}
| mv-apply Property = TargetResources[0].modifiedProperties on (
    where tostring(Property.displayName) == "Group.DisplayName"
    | summarize GroupName = take_any(trim('"', tostring(Property.newValue))))
| where isempty({group}) or GroupName contains {group}
| project TimeGenerated, GroupName, Member, InitiatedByUser, InitiatedByApp, Result
| order by TimeGenerated asc`,
    },
    {
      name: "applicationConsents",
      description:
        "Consent granted to applications (by a user or an admin), with the permissions granted. Illicit consent grants give an attacker's app lasting access to mail and files without a password. Look for unfamiliar apps asking for Mail.Read, Files.ReadWrite.All or offline_access, especially consented by ordinary users. Benign causes: staff adopting legitimate SaaS tools.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only consents given by this account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Credential Access", "Persistence"],
      techniques: ["T1528"],
      columns: [
        "TimeGenerated",
        "ConsentedBy",
        "IPAddress",
        "AppName",
        "AppId",
        "ServicePrincipalId",
        "IsAdminConsent",
        "Permissions",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName in ("Consent to application", "Add delegated permission grant", "Add app role assignment to service principal")
| extend ConsentedBy = tostring(InitiatedBy.user.userPrincipalName),
    IPAddress = tostring(InitiatedBy.user.ipAddress),
    AppName = tostring(TargetResources[0].displayName),
    ServicePrincipalId = tostring(TargetResources[0].id)
| where isempty({account}) or ConsentedBy =~ {account}
| mv-apply Detail = AdditionalDetails on (
    summarize AppId = take_anyif(tostring(Detail.value), tostring(Detail.key) == "AppId"))
| mv-apply Property = TargetResources[0].modifiedProperties on (
    summarize IsAdminConsent = take_anyif(tostring(Property.newValue), tostring(Property.displayName) == "ConsentContext.IsAdminConsent"),
        Permissions = take_anyif(tostring(Property.newValue), tostring(Property.displayName) in ("ConsentAction.Permissions", "DelegatedPermissionGrant.Scope")))
| project TimeGenerated, ConsentedBy, IPAddress, AppName, AppId, ServicePrincipalId, IsAdminConsent,
    Permissions, Result
| order by TimeGenerated asc`,
    },
    {
      name: "servicePrincipalCredentialAdditions",
      description:
        "Secrets and certificates added to applications and service principals. An attacker who can edit an app adds their own credential and signs in as the app, keeping access through password resets and MFA. Benign causes: developers and pipelines rotating secrets before expiry (usually by a known deployment identity).",
      tables: ["AuditLogs"],
      parameters: {},
      window: "14d",
      tactics: ["Persistence", "Privilege Escalation"],
      techniques: ["T1098.001"],
      columns: [
        "TimeGenerated",
        "OperationName",
        "AppName",
        "InitiatedByUser",
        "InitiatedByApp",
        "IPAddress",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
// Entra names the portal's secret change "Update application – Certificates and secrets
// management" (en dash, sometimes a trailing space): matched by its words, not exactly.
| where OperationName == "Add service principal credentials"
    or OperationName has "Certificates and secrets management"
    or (OperationName == "Update application" and tostring(TargetResources) has "KeyDescription")
| extend AppName = tostring(TargetResources[0].displayName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByApp = tostring(InitiatedBy.app.displayName),
    IPAddress = tostring(InitiatedBy.user.ipAddress)
| project TimeGenerated, OperationName, AppName, InitiatedByUser, InitiatedByApp, IPAddress, Result
| order by TimeGenerated asc`,
    },
    {
      name: "userLifecycleChanges",
      description:
        "Accounts created, deleted, restored, enabled or disabled in the directory, with who did it. An unexpected new account is a persistence foothold; a leaver's account re-enabled, or an admin disabled during an incident, are red flags. Benign causes: HR-driven joiners and leavers, usually made by the directory sync account or the service desk in working hours.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this target account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Persistence", "Impact"],
      techniques: ["T1136.003", "T1531"],
      columns: [
        "TimeGenerated",
        "OperationName",
        "TargetUser",
        "InitiatedByUser",
        "InitiatedByApp",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName in ("Add user", "Delete user", "Hard delete user", "Restore user", "Disable account", "Enable account")
| extend TargetUser = tostring(TargetResources[0].userPrincipalName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByApp = tostring(InitiatedBy.app.displayName)
| where isempty({account}) or TargetUser =~ {account}
| project TimeGenerated, OperationName, TargetUser, InitiatedByUser, InitiatedByApp, Result
| order by TimeGenerated asc`,
    },
    {
      name: "passwordResets",
      description:
        "Password resets and changes, by an admin or by the user (self-service), with who made them and from where. An admin resetting another admin's password, or a self-service reset from an unfamiliar address, can be an account takeover. Benign causes: forgotten passwords and helpdesk tickets.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "Only this target account (user principal name); empty for all.",
          default: "",
        },
      },
      window: "14d",
      tactics: ["Persistence"],
      techniques: ["T1098"],
      columns: [
        "TimeGenerated",
        "OperationName",
        "TargetUser",
        "InitiatedByUser",
        "IPAddress",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName has_any ("Reset password", "Change password", "Reset user password", "Change user password")
| extend TargetUser = tostring(TargetResources[0].userPrincipalName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    IPAddress = tostring(InitiatedBy.user.ipAddress)
| where isempty({account}) or TargetUser =~ {account}
| project TimeGenerated, OperationName, TargetUser, InitiatedByUser, IPAddress, Result
| order by TimeGenerated asc`,
    },
    {
      name: "conditionalAccessPolicyChanges",
      description:
        "Conditional access policies added, changed or deleted, with who did it. Weakening or excluding accounts from a policy (MFA, legacy-auth block, location rules) is how an attacker with admin rights keeps access; also a common misconfiguration. Benign causes: planned policy work by identity admins (check the change ticket).",
      tables: ["AuditLogs"],
      parameters: {},
      window: "14d",
      tactics: ["Defense Evasion", "Persistence"],
      techniques: ["T1556.009"],
      columns: [
        "TimeGenerated",
        "OperationName",
        "PolicyName",
        "InitiatedByUser",
        "IPAddress",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where OperationName has "conditional access policy"
    or OperationName in ("Add named location", "Update named location", "Delete named location")
| extend PolicyName = tostring(TargetResources[0].displayName),
    InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    IPAddress = tostring(InitiatedBy.user.ipAddress)
| project TimeGenerated, OperationName, PolicyName, InitiatedByUser, IPAddress, Result
| order by TimeGenerated asc`,
    },
    // ---- Non-interactive sign-ins --------------------------------------------------------
    {
      name: "nonInteractiveSpraySources",
      description:
        "Addresses failing non-interactive sign-ins (token refreshes, ROPC and legacy clients acting for a user) against many accounts: sprays that avoid the interactive sign-in log. Benign causes: a misconfigured app or proxy replaying expired refresh tokens for many users (failure codes about tokens, not passwords).",
      tables: ["AADNonInteractiveUserSignInLogs"],
      parameters: {
        minAccounts: {
          type: "long",
          description: "Fewest distinct accounts an address must fail against.",
          default: 10,
        },
      },
      window: "7d",
      tactics: ["Credential Access"],
      techniques: ["T1110.003"],
      columns: ["IPAddress", "Failures", "Successes", "Accounts", "Apps", "FirstSeen", "LastSeen"],
      query: `AADNonInteractiveUserSignInLogs
| where TimeGenerated between ({start} .. {end})
| summarize Failures = countif(ResultType in ("50126", "50053", "50055", "50056", "50057", "50034")),
    Successes = countif(ResultType == "0"),
    Accounts = dcountif(UserPrincipalName, ResultType in ("50126", "50053", "50055", "50056", "50057", "50034")),
    Apps = make_set(AppDisplayName, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress
| where Accounts >= {minAccounts}
| order by Accounts desc
| project IPAddress, Failures, Successes, Accounts, Apps, FirstSeen, LastSeen`,
    },
    {
      name: "nonInteractiveSignInsOfAccount",
      description:
        "Non-interactive sign-ins of one account (token refreshes and app sign-ins on the user's behalf), grouped by address, country and application: shows where the account's tokens are being used. A token replayed by an attacker appears from an address or country the user never signs in from interactively. Benign causes: mobile apps on cellular networks, and cloud services acting for the user.",
      tables: ["AADNonInteractiveUserSignInLogs"],
      parameters: {
        account: { type: "account", description: "The account's user principal name." },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "IPAddress",
        "Country",
        "AppDisplayName",
        "ResultType",
        "SignIns",
        "FirstSeen",
        "LastSeen",
      ],
      query: `AADNonInteractiveUserSignInLogs
| where TimeGenerated between ({start} .. {end})
| where UserPrincipalName =~ {account}
| extend Country = tostring(parse_json(LocationDetails).countryOrRegion)
| summarize SignIns = count(), FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress, Country, AppDisplayName, ResultType
| order by FirstSeen asc
| project IPAddress, Country, AppDisplayName, ResultType, SignIns, FirstSeen, LastSeen`,
    },
    // ---- Context ------------------------------------------------------------------
    {
      name: "signInsOfAccount",
      description:
        "Every interactive sign-in of one account in time order, with address, country, application, client, result and MFA requirement: the first thing to read about a suspected account. Look for new countries, legacy clients and failures followed by success.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "The account's user principal name.",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "IPAddress",
        "Country",
        "City",
        "AppDisplayName",
        "ClientAppUsed",
        "ResultType",
        "ResultDescription",
        "AuthenticationRequirement",
        "UserAgent",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where UserPrincipalName =~ {account}
| extend Country = tostring(LocationDetails.countryOrRegion), City = tostring(LocationDetails.city)
| project TimeGenerated, IPAddress, Country, City, AppDisplayName, ClientAppUsed, ResultType,
    ResultDescription, AuthenticationRequirement, UserAgent
| order by TimeGenerated asc`,
    },
    {
      name: "signInSummaryOfAccount",
      description:
        "One account's sign-ins summarised by address and country: attempts, successes, failures, applications and clients, first and last seen. A quick way to spot the one address that does not belong among the office and home addresses.",
      tables: ["SigninLogs"],
      parameters: {
        account: {
          type: "account",
          description: "The account's user principal name.",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "IPAddress",
        "Country",
        "Attempts",
        "Successes",
        "Failures",
        "Apps",
        "ClientApps",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where UserPrincipalName =~ {account}
| extend Country = tostring(LocationDetails.countryOrRegion)
| summarize Attempts = count(), Successes = countif(ResultType == "0"),
    Failures = countif(ResultType != "0"),
    Apps = make_set(AppDisplayName, 10), ClientApps = make_set(ClientAppUsed, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by IPAddress, Country
| order by FirstSeen asc
| project IPAddress, Country, Attempts, Successes, Failures, Apps, ClientApps, FirstSeen, LastSeen`,
    },
    {
      name: "signInsFromIp",
      description:
        "Every account that tried to sign in from one address, with attempts, successes, failure codes, applications and clients: who an address targeted and whom it got into. The second thing to read after a suspicious address turns up.",
      tables: ["SigninLogs"],
      parameters: {
        ip: {
          type: "ip",
          description: "The source address.",
          example: "203.0.113.45",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "UserPrincipalName",
        "Attempts",
        "Successes",
        "ResultTypes",
        "Apps",
        "ClientApps",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where IPAddress == {ip}
| summarize Attempts = count(), Successes = countif(ResultType == "0"),
    ResultTypes = make_set(ResultType, 10), Apps = make_set(AppDisplayName, 10),
    ClientApps = make_set(ClientAppUsed, 10),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserPrincipalName
| order by Successes desc, FirstSeen asc
| project UserPrincipalName, Attempts, Successes, ResultTypes, Apps, ClientApps, FirstSeen, LastSeen`,
    },
    {
      name: "signInsToApp",
      description:
        "Sign-ins to one application by account, address and country: who uses it and from where. Useful after a consent grant or when an app is the target of abuse (Exchange Online over IMAP, Azure portal, Graph Explorer).",
      tables: ["SigninLogs"],
      parameters: {
        app: {
          type: "app",
          description: "The application's display name (AppDisplayName).",
          example: "Office 365 Exchange Online",
        },
      },
      window: "7d",
      tactics: [],
      techniques: [],
      columns: [
        "UserPrincipalName",
        "IPAddress",
        "Country",
        "ClientAppUsed",
        "Attempts",
        "Successes",
        "FirstSeen",
        "LastSeen",
      ],
      query: `SigninLogs
| where TimeGenerated between ({start} .. {end})
| where AppDisplayName =~ {app}
| extend Country = tostring(LocationDetails.countryOrRegion)
| summarize Attempts = count(), Successes = countif(ResultType == "0"),
    FirstSeen = min(TimeGenerated), LastSeen = max(TimeGenerated)
    by UserPrincipalName, IPAddress, Country, ClientAppUsed
| order by FirstSeen asc
| project UserPrincipalName, IPAddress, Country, ClientAppUsed, Attempts, Successes, FirstSeen, LastSeen`,
    },
    {
      name: "directoryChangesByAccount",
      description:
        "Every directory change (AuditLogs) an account initiated, with its target and the address it came from: what a suspected account did to the directory (MFA methods, groups, users, apps).",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "The initiating account's user principal name.",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "OperationName",
        "Category",
        "Result",
        "IPAddress",
        "Target",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where tostring(InitiatedBy.user.userPrincipalName) =~ {account}
| extend IPAddress = tostring(InitiatedBy.user.ipAddress),
    Target = coalesce(tostring(TargetResources[0].userPrincipalName), tostring(TargetResources[0].displayName))
| project TimeGenerated, OperationName, Category, Result, IPAddress, Target
| order by TimeGenerated asc`,
    },
    {
      name: "directoryChangesToAccount",
      description:
        "Every directory change (AuditLogs) made to one account, whoever made it: password resets, MFA method changes, group and role memberships, enable and disable.",
      tables: ["AuditLogs"],
      parameters: {
        account: {
          type: "account",
          description: "The target account's user principal name.",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "OperationName",
        "Category",
        "Result",
        "InitiatedByUser",
        "InitiatedByApp",
        "ChangedProperties",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| mv-expand Target = TargetResources
| where tostring(Target.userPrincipalName) =~ {account}
| extend InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    InitiatedByApp = tostring(InitiatedBy.app.displayName)
| mv-apply Property = Target.modifiedProperties on (
    where tostring(Property.displayName) != "Included Updated Properties"
    | summarize ChangedProperties = make_set(tostring(Property.displayName)))
| project TimeGenerated, OperationName, Category, Result, InitiatedByUser, InitiatedByApp, ChangedProperties
| order by TimeGenerated asc`,
    },
    {
      name: "directoryChangesFromIp",
      description:
        "Directory changes (AuditLogs) initiated from one address, by any account: what an attacker's address did once signed in (registering MFA, adding users, granting consent).",
      tables: ["AuditLogs"],
      parameters: {
        ip: {
          type: "ip",
          description: "The address the change came from.",
          example: "203.0.113.45",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "TimeGenerated",
        "OperationName",
        "InitiatedByUser",
        "Target",
        "Result",
      ],
      query: `AuditLogs
| where TimeGenerated between ({start} .. {end})
| where tostring(InitiatedBy.user.ipAddress) == {ip}
| extend InitiatedByUser = tostring(InitiatedBy.user.userPrincipalName),
    Target = coalesce(tostring(TargetResources[0].userPrincipalName), tostring(TargetResources[0].displayName))
| project TimeGenerated, OperationName, InitiatedByUser, Target, Result
| order by TimeGenerated asc`,
    },
    {
      name: "accountSummary",
      description:
        "The latest IdentityInfo record of an account: name, department, job title, manager, enabled, MFA registered, assigned roles, groups and risk. Tells how much an account matters (an admin, a VIP, finance) before deciding how to respond.",
      tables: ["IdentityInfo"],
      parameters: {
        account: {
          type: "account",
          description: "The account's user principal name.",
          example: "daniel.reyes@larkspurlogistics.example",
        },
      },
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "AccountUPN",
        "AccountDisplayName",
        "AccountName",
        "AccountDomain",
        "Department",
        "JobTitle",
        "Manager",
        "IsAccountEnabled",
        "IsMFARegistered",
        "AssignedRoles",
        "GroupMembership",
        "RiskLevel",
        "LastUpdated",
      ],
      query: `IdentityInfo
| where TimeGenerated between ({start} .. {end})
| where AccountUPN =~ {account} or MailAddress =~ {account}
| summarize arg_max(TimeGenerated, AccountDisplayName, AccountName, AccountDomain, Department, JobTitle,
    Manager, IsAccountEnabled, IsMFARegistered, AssignedRoles, GroupMembership, RiskLevel)
    by AccountUPN
| project AccountUPN, AccountDisplayName, AccountName, AccountDomain, Department, JobTitle, Manager,
    IsAccountEnabled, IsMFARegistered, AssignedRoles, GroupMembership, RiskLevel, LastUpdated = TimeGenerated`,
    },
    {
      name: "privilegedAccounts",
      description:
        "Accounts that hold a directory role, from the latest IdentityInfo record of each: the accounts whose compromise matters most, and the list to check role-assignment and sign-in findings against.",
      tables: ["IdentityInfo"],
      parameters: {},
      window: "14d",
      tactics: [],
      techniques: [],
      columns: [
        "AccountUPN",
        "AccountDisplayName",
        "Department",
        "AssignedRoles",
        "IsMFARegistered",
        "IsAccountEnabled",
      ],
      query: `IdentityInfo
| where TimeGenerated between ({start} .. {end})
| summarize arg_max(TimeGenerated, AccountDisplayName, Department, AssignedRoles, IsMFARegistered, IsAccountEnabled)
    by AccountUPN
| where array_length(AssignedRoles) > 0
| project AccountUPN, AccountDisplayName, Department, AssignedRoles, IsMFARegistered, IsAccountEnabled
| order by AccountUPN asc`,
    },
  ],
};
