# Windows component-based servicing logs, CBS.log (Loghub's Windows data
# set): Windows Update and TrustedInstaller installing packages.
#
#   2016-09-28 04:30:33, Info                  CBS    Warning: Unrecognized packageExtended attribute.
#
# Not the Security event log: that is windows-security (JSON).
#
# Test lines are made up.

log_source_type "loghub-windows" {
  header_format = "<isotime>, <severity> <logger> "
  timezone      = "UTC"
}

rule "cbs-session" {
  description      = "a servicing session started for a client (Windows Update, SPP, …)"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = <<-RE
    Session: (?P<labels__session>\d+_\d+) initialized by client (?P<labels__client>[^.\s]+)
  RE
  classification   = "Information"
  common_event     = "Servicing Session Started"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:12, Info                  CBS    Session: 30546354_3283045000 initialized by client WindowsUpdateAgent."
    expect = { "labels.session" = "30546354_3283045000", "labels.client" = "WindowsUpdateAgent", severity = "Info", "log.logger" = "CBS", "@timestamp" = "2024-03-12T10:11:12Z" }
  }
}

rule "cbs-package-applicability" {
  description      = "a package's applicability read from the cache"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = <<-RE
    Read out cached package applicability for package: (?P<package__name>[^,]+), ApplicableState: (?P<labels__applicable_state>\d+), CurrentState:\s*(?P<labels__current_state>\d+)
  RE
  classification   = "Information"
  common_event     = "Package Applicability Read"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:13, Info                  CBS    Read out cached package applicability for package: Package_for_KB9999999~31bf3856ad364e35~amd64~~6.1.1.0, ApplicableState: 112, CurrentState:112"
    expect = { "package.name" = "Package_for_KB9999999~31bf3856ad364e35~amd64~~6.1.1.0", "labels.current_state" = "112" }
  }
}

rule "cbs-manifest-problem" {
  description      = "a package manifest with unrecognised or invalid items, or a package that does not open"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = <<-RE
    (?:Warning: Unrecognized packageExtended attribute|Expecting attribute name|Failed to get next element|Failed to internally open package)(?:.*\[HRESULT = (?P<error__code>0x[0-9a-fA-F]+) - (?P<error__type>\w+)\])?
  RE
  classification   = "Warning"
  common_event     = "Package Manifest Problem"
  risk             = 1

  test {
    log    = "2024-03-12 10:11:14, Info                  CBS    Failed to get next element [HRESULT = 0x800f080d - CBS_E_MANIFEST_INVALID_ITEM]"
    expect = { "error.code" = "0x800f080d", "error.type" = "CBS_E_MANIFEST_INVALID_ITEM" }
  }
}

rule "cbs-registry-hive" {
  description      = "an offline registry hive loaded or unloaded"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = "(?P<labels__action>Loading|Unloading) offline registry hive: (?P<labels__hive>[^,\\s]+)(?:, into registry key '(?P<registry__key>[^']*)' from path '(?P<file__path>[^']*)')?"
  classification   = "Information"
  common_event     = "Offline Registry Hive"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:15, Info                  CBS    Loading offline registry hive: SOFTWARE, into registry key '{bf1a281b}GLOBALROOT/Device/HarddiskVolumeShadowCopy2/Windows/System32/config/SOFTWARE' from path '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy2\\Windows\\System32\\config\\SOFTWARE'."
    expect = { "labels.action" = "Loading", "labels.hive" = "SOFTWARE" }
  }
}

rule "cbs-trustedinstaller" {
  description      = "TrustedInstaller and its servicing stack starting, looping, stopping, scavenging"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = "(?:Loaded Servicing Stack (?P<package__version>\\S+) with Core|(?:Starting|Ending) (?:the )?TrustedInstaller (?:initialization|main loop|finalization)|TrustedInstaller service starts successfully|No startup processing required|NonStart: |Startup processing thread terminated|Idle processing thread terminated|Reboot mark refs|Scavenge: |Offline image is: |Disabling manifest caching|Failed to create backup log cab)"
  classification   = "Startup and Shutdown"
  common_event     = "Servicing Stack Lifecycle"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:16, Info                  CBS    Starting TrustedInstaller initialization."
    expect = { common_event = "Servicing Stack Lifecycle" }
  }
}

rule "cbs-sqm" {
  description      = "SQM (customer experience) report uploads"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = <<-RE
    SQM: (?P<labels__detail>.*?)(?: ?\[HRESULT = (?P<error__code>0x[0-9a-fA-F]+) - (?P<error__type>\w+)\])?$
  RE
  classification   = "Information"
  common_event     = "SQM Report Upload"
  risk             = 0

  sub_rule "failed" {
    when           = "has(event.error.code)"
    classification = "Warning"
    common_event   = "SQM Report Upload Failed"
  }

  test {
    log    = "2024-03-12 10:11:17, Info                  CBS    SQM: Failed to start standard sample upload. [HRESULT = 0x80004005 - E_FAIL]"
    expect = { "error.code" = "0x80004005", common_event = "SQM Report Upload Failed" }
  }
}

rule "csi-store" {
  description      = "the component store (CSI): initialisation, transactions, perf traces, scavenging"
  log_source_types = ["loghub-windows"]
  sort_order       = 100
  pattern          = "CSI +(?P<labels__sequence>[0-9a-f]{8})(?:@\\S+)? (?P<labels__detail>WcpInitialize|CSI perf trace|CSI Store|Creat(?:ing|ed) NT transaction|CSI Transaction|PopulateComponentFamiliesKey|IAdvancedInstallerAwareStore_ResolvePendingTransactions|ICSITransaction::Commit|Performing \\d+ operations|Store coherency cookie)"
  classification   = "Information"
  common_event     = "Component Store Activity"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:18, Info                  CSI    00000004@2024/3/12:10:11:18.455 WcpInitialize (wcp.dll version 0.0.0.6) called (stack @0x7fe)"
    expect = { "labels.sequence" = "00000004", "labels.detail" = "WcpInitialize" }
  }
}

rule "cbs-other" {
  description      = "catch-all: any other CBS or CSI message, kept with its header"
  log_source_types = ["loghub-windows"]
  sort_order       = 9000
  pattern          = "^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d, \\w+ "
  classification   = "Information"
  common_event     = "Servicing Message"
  risk             = 0

  sub_rule "error" {
    when           = "event.severity == \"Error\""
    classification = "Error"
    risk           = 2
  }

  test {
    log    = "2024-03-12 10:11:19, Error                 CBS    Something failed."
    expect = { classification = "Error" }
  }
}
