# Android system logs, logcat "threadtime" format (Loghub's Android data
# set):
#
#   03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogsopening app wtoken = …
#
# Lines carry no year: it is inferred from the collection time. Rules
# follow the framework service that logged (the tag): process lifecycle,
# wake locks, permission checks, display, UI, notifications, audio, …
#
# Test lines are made up.

log_source_type "loghub-android" {
  header_format = "<androidtime> <pid> <process__thread__id> <androidlevel> <logger>: "
  timezone      = "UTC"
}

# 03-17 16:13:38.811 (no year)
tag "androidtime" {
  pattern = <<-RE
    \d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "01-02 15:04:05.000"
}

tag "androidlevel" {
  pattern = "[VDIWEFA]"
  field   = "log.level"
  values = {
    "V" = "verbose"
    "D" = "debug"
    "I" = "info"
    "W" = "warning"
    "E" = "error"
    "F" = "fatal"
    "A" = "assert"
  }
}

rule "android-app-process" {
  description      = "application processes started, attached, killed, died, restarted"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    ActivityManager\s*: (?:Start proc (?:\d+:)?(?P<process__name>[^\s/]+)\S* for (?P<labels__reason>\S+)|Process (?P<process__name>\S+) \(pid (?P<labels__app_pid>\d+)\) has died|Killing (?P<labels__app_pid>\d+):(?P<process__name>[^\s/]+)|Scheduling restart of crashed service (?P<service__name>\S+)|new Process app=|cleanUpApplicationRecord|(?:ActivityManagerService,)?attachApplication)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "App Process Lifecycle"
  risk             = 0

  sub_rule "crashed" {
    when           = <<-CEL
      event.message.contains("crashed") || event.message.contains("has died")
    CEL
    classification = "Warning"
    common_event   = "App Process Died"
    risk           = 1
  }

  test {
    log       = "03-12 10:11:12.345  1702  1820 I ActivityManager: Process com.example.app:remote (pid 4242) has died"
    collected = "2024-03-12T11:00:00Z"
    expect    = { process = "com.example.app:remote", "labels.app_pid" = "4242", common_event = "App Process Died", "log.level" = "info", pid = "1702", "log.logger" = "ActivityManager", "@timestamp" = "2024-03-12T10:11:12.345Z" }
  }
}

rule "android-activity" {
  description      = "activities and services started or refused, broadcasts"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    ActivityManager\s*: (?:START u\d+ \{|startActivity called from non-Activity context|Unable to start service|ActivityRecord info|Start dump|applyOptionsLocked|Bad activity token|Sending non-protected broadcast)
  RE
  classification   = "Information"
  common_event     = "App Activity"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      event.log.level in ["warning", "error", "fatal"]
    CEL
    classification = "Warning"
    risk           = 1
  }

  test {
    log    = "03-12 10:11:13.000  1702  3001 I ActivityManager: START u0 {act=android.intent.action.MAIN flg=0x10200000 cmp=com.example/.Main} from uid 10013 on display 0"
    expect = { common_event = "App Activity" }
  }
}

rule "android-task-access-limited" {
  description      = "an app asked for the task list without REAL_GET_TASKS: its view was limited"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    ActivityManager\s*: (?:getRunningAppProcesses|getTasks): caller (?P<labels__caller_uid>\d+) does not hold (?P<labels__permission>\w+)
  RE
  classification   = "Policy"
  common_event     = "Task List Access Limited"
  risk             = 1

  test {
    log    = "03-12 10:11:14.000  1702  4000 W ActivityManager: getTasks: caller 10113 does not hold REAL_GET_TASKS; limiting output"
    expect = { "labels.caller_uid" = "10113", "labels.permission" = "REAL_GET_TASKS", "log.level" = "warning" }
  }
}

rule "android-activity-manager" {
  description      = "other activity manager housekeeping: recent tasks, skipped intents"
  log_source_types = ["loghub-android"]
  sort_order       = 300
  pattern          = " ActivityManager\\s*: "
  classification   = "Information"
  common_event     = "Activity Manager"
  risk             = 0

  test {
    log    = "03-12 10:11:15.000  1702  4001 D ActivityManager: getRecentTasks: num=1,flags=0x1,totalTasks=5"
    expect = { common_event = "Activity Manager" }
  }
}

rule "android-wake-lock" {
  description      = "wake locks and suspend blockers acquired and released"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    PowerManagerService\s*: (?:(?P<labels__action>acquire) lock=|(?P<labels__action>release):lock=|(?P<labels__action>Acquiring|Releasing) suspend blocker)(?:.*?tag="(?P<labels__tag>[^"]*)", name=(?P<labels__package>[^,]*))?
  RE
  classification   = "Information"
  common_event     = "Wake Lock"
  risk             = 0

  test {
    log    = "03-12 10:11:16.000  1702  8671 D PowerManagerService: acquire lock=233570404, flags=0x1, tag=\"View Lock\", name=com.android.systemui, ws=null, uid=10037, pid=2227"
    expect = { "labels.action" = "acquire", "labels.tag" = "View Lock", "labels.package" = "com.android.systemui" }
  }
}

rule "android-power" {
  description      = "power state, user activity and charging"
  log_source_types = ["loghub-android"]
  sort_order       = 300
  pattern          = " (?:PowerManagerService|DeviceIdleController|BatteryService)\\s*: "
  classification   = "Information"
  common_event     = "Power State"
  risk             = 0

  test {
    log    = "03-12 10:11:17.000  1702  2110 D PowerManagerService: userActivityNoUpdateLocked: eventTime=261849942, event=2, flags=0x0, uid=1000"
    expect = { common_event = "Power State" }
  }
}

rule "android-location-check" {
  description      = "location and cell information requests checked by the permission manager"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    (?:PhoneInterfaceManager\s*: (?:shouldBlockLocation|(?P<labels__api>\w+) is blocked by permission manager)|TelephonyManager\s*: getNeighboringCellInfo)
  RE
  classification   = "Policy"
  common_event     = "Location Access Check"
  risk             = 1

  sub_rule "blocked" {
    when           = <<-CEL
      event.message.contains("blocked") || event.message.contains("ret:true")
    CEL
    classification = "Access Revoked"
    common_event   = "Location Access Blocked"
    risk           = 2
  }

  test {
    log    = "03-12 10:11:18.000  2227  2227 D PhoneInterfaceManager: getAllCellInfo is blocked by permission manager . callingPackage = com.example"
    expect = { "labels.api" = "getAllCellInfo", common_event = "Location Access Blocked" }
  }
}

rule "android-telephony" {
  log_source_types = ["loghub-android"]
  sort_order       = 300
  pattern          = " (?:PhoneInterfaceManager|TelephonyManager|Telephony\\w*|RILJ?)\\s*: "
  classification   = "Information"
  common_event     = "Telephony"
  risk             = 0

  test {
    log    = "03-12 10:11:19.000  2227  2227 D PhoneInterfaceManager: [PhoneIntfMgr] getDataEnabled: subId=1 phoneId=0"
    expect = { common_event = "Telephony" }
  }
}

rule "android-display" {
  description      = "screen brightness and display scans"
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " (?:DisplayPowerController|DisplayManagerService)\\s*: "
  classification   = "Information"
  common_event     = "Display"
  risk             = 0

  test {
    log    = "03-12 10:11:20.000  1702  1788 I DisplayPowerController: HBM brightnessOut =38"
    expect = { common_event = "Display" }
  }
}

rule "android-system-ui" {
  description      = "the status bar, notification shade and panels"
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " (?:PhoneStatusBar|StatusBar|StackScrollAlgorithm|PanelView|NotificationPanelView|TextView|NavigationBar\\w*)\\s*: "
  classification   = "Information"
  common_event     = "System UI"
  risk             = 0

  test {
    log    = "03-12 10:11:21.000  2227  2227 V PhoneStatusBar: setLightsOn(true)"
    expect = { common_event = "System UI", "log.level" = "verbose" }
  }
}

rule "android-window" {
  description      = "windows, surfaces, focus, rotation and key dispatch"
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " WindowManager\\s*: "
  classification   = "Information"
  common_event     = "Window Manager"
  risk             = 0

  test {
    log    = "03-12 10:11:22.000  1702  1820 I WindowManager: Destroying surface Surface(name=com.example/.Main) called by com.android.server.wm.WindowStateAnimator.destroySurface:2014"
    expect = { common_event = "Window Manager" }
  }
}

rule "android-notification" {
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " NotificationManager\\s*: "
  classification   = "Information"
  common_event     = "Notification"
  risk             = 0

  test {
    log    = "03-12 10:11:23.000  1702  3001 I NotificationManager: cancelNotification,index:3"
    expect = { common_event = "Notification" }
  }
}

rule "android-audio" {
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " (?:AudioManager|AudioService|AudioFlinger|MediaPlayer)\\s*: "
  classification   = "Information"
  common_event     = "Audio"
  risk             = 0

  test {
    log    = "03-12 10:11:24.000  2227  2227 V AudioManager: querySoundEffectsEnabled..."
    expect = { common_event = "Audio" }
  }
}

rule "android-keyguard" {
  description      = "the lock screen: callbacks, broadcasts, SIM and battery state"
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " KeyguardUpdateMonitor\\s*: "
  classification   = "Information"
  common_event     = "Lock Screen"
  risk             = 0

  test {
    log    = "03-12 10:11:25.000  2227  2227 D KeyguardUpdateMonitor: handleTimeUpdate"
    expect = { common_event = "Lock Screen" }
  }
}

rule "android-alarm" {
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " AlarmManager\\s*: "
  classification   = "Information"
  common_event     = "Alarm"
  risk             = 0

  test {
    log    = "03-12 10:11:26.000  1702  1734 V AlarmManager: Received TIME_TICK alarm; rescheduling"
    expect = { common_event = "Alarm" }
  }
}

rule "android-wifi" {
  log_source_types = ["loghub-android"]
  sort_order       = 200
  pattern          = " (?:Wifi\\w*|wpa_supplicant|ConnectivityService)\\s*: "
  classification   = "Information"
  common_event     = "Network Connectivity"
  risk             = 0

  test {
    log    = "03-12 10:11:27.000  1702  1957 D WifiService: onReceive, action:android.intent.action.BATTERY_CHANGED"
    expect = { common_event = "Network Connectivity" }
  }
}

rule "android-selinux-denied" {
  description      = "SELinux refused an access"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    avc: +denied +\{ (?P<labels__permission>[^}]+?) \} for(?: pid=<pid>)?(?: comm="(?P<process__name>[^"]*)")?
  RE
  classification   = "Access Failure"
  common_event     = "SELinux Access Denied"
  risk             = 3

  test {
    log    = "03-12 10:11:28.000  4242  4242 W example  : type=1400 audit(0.0:7): avc: denied { read } for comm=\"example\" name=\"stat\" dev=\"proc\" scontext=u:r:untrusted_app:s0 tcontext=u:object_r:proc:s0 tclass=file"
    expect = { "labels.permission" = "read", process = "example", classification = "Access Failure" }
  }
}

rule "android-crash" {
  description      = "an app or the system crashed"
  log_source_types = ["loghub-android"]
  sort_order       = 100
  pattern          = <<-RE
    (?:AndroidRuntime\s*: FATAL EXCEPTION|DEBUG\s*: \*\*\* \*\*\*|\bANR in (?P<process__name>\S+))
  RE
  classification   = "Error"
  common_event     = "App Crash"
  risk             = 2

  test {
    log    = "03-12 10:11:29.000  5000  5000 E AndroidRuntime: FATAL EXCEPTION: main"
    expect = { classification = "Error" }
  }
}

rule "android-other" {
  description      = "catch-all: any other Android message, kept with its header"
  log_source_types = ["loghub-android"]
  sort_order       = 9000
  pattern          = "^\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} +\\d+ +\\d+ [VDIWEFA] "
  classification   = "Information"
  common_event     = "Android Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.log.level in ["error", "fatal", "assert"]
    CEL
    classification = "Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.log.level == \"warning\""
    classification = "Warning"
    risk           = 1
  }

  test {
    log    = "03-12 10:11:30.000  5000  5001 E Choreographer: Skipped 30 frames!"
    expect = { classification = "Error", "log.logger" = "Choreographer" }
  }
}
