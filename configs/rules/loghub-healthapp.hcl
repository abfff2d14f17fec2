# A health-tracking Android app's log (Loghub's HealthApp data set):
#
#   20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579
#
# Rules follow the app's components: the step counter and its totals, the
# stand-report receiver, sensors, cloud sync and the health data store.
#
# Test lines are made up.

log_source_type "loghub-healthapp" {
  header_format = "<healthtime>:<labels__millis>|<logger>|<pid>|"
  timezone      = "UTC"
}

# 20171223-22:15:29 (the milliseconds follow after a colon)
tag "healthtime" {
  pattern = <<-RE
    \d{8}-\d{2}:\d{2}:\d{2}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "20060102-15:04:05"
}

rule "healthapp-step-counter" {
  description      = "the step counter (Step_LSC): step changes, extensions, broadcasts, flushes and uploads"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|Step_LSC\|\d+\|(?:onStandStepChanged (?P<labels__steps>\d+)|onExtend:|processHandleBroadcastAction action:(?P<event__action>\S+)|timeStamp back|getTodaySportData|flush|Alarm uploadStaticsToDB|uploadStaticsToDB)
  RE
  classification   = "Information"
  common_event     = "Step Counter Update"
  risk             = 0

  test {
    log    = "20240312-10:11:12:345|Step_LSC|30002312|onStandStepChanged 4242"
    expect = { "labels.steps" = "4242", "log.logger" = "Step_LSC", pid = "30002312", "@timestamp" = "2024-03-12T10:11:12Z" }
  }
}

rule "healthapp-step-totals" {
  description      = "daily step, calorie and altitude totals (Step_SPUtils, Step_ExtSDM)"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|(?:Step_SPUtils|Step_ExtSDM)\|\d+\|\s*(?:(?:get|set)\w+|calculate\w+)
  RE
  classification   = "Information"
  common_event     = "Step Totals"
  risk             = 0

  test {
    log    = "20240312-10:11:13:001|Step_ExtSDM|30002312|calculateCaloriesWithCache totalCalories=120000"
    expect = { "log.logger" = "Step_ExtSDM" }
  }
}

rule "healthapp-stand-report" {
  description      = "the stand-report receiver: reports and screen on or off"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|Step_StandReportReceiver\|\d+\|(?:REPORT : |onReceive action: (?P<event__action>\S+)|screen status)
  RE
  classification   = "Information"
  common_event     = "Stand Report"
  risk             = 0

  test {
    log    = "20240312-10:11:14:002|Step_StandReportReceiver|30002312|onReceive action: android.intent.action.SCREEN_OFF"
    expect = { action = "android.intent.action.SCREEN_OFF" }
  }
}

rule "healthapp-sensor" {
  description      = "the step sensor and screen state (Step_StandStepCounter, Step_ScreenUtil)"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|(?:Step_StandStepCounter|Step_ScreenUtil)\|\d+\|
  RE
  classification   = "Information"
  common_event     = "Step Sensor"
  risk             = 0

  test {
    log    = "20240312-10:11:15:003|Step_StandStepCounter|30002312|flush sensor data"
    expect = { common_event = "Step Sensor" }
  }
}

rule "healthapp-step-data" {
  description      = "step data kept and written: caches, day changes, notifications (Step_StandStepDataManager, Step_FlushableStepDataCache, Step_DataCache, Step_HGNH, Step_NotificationUtil)"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|(?:Step_StandStepDataManager|Step_FlushableStepDataCache|Step_DataCache|Step_HGNH|Step_NotificationUtil)\|\d+\|
  RE
  classification   = "Information"
  common_event     = "Step Data Storage"
  risk             = 0

  test {
    log    = "20240312-10:11:16:004|Step_FlushableStepDataCache|30002312|writeDataToDB size 3"
    expect = { common_event = "Step Data Storage" }
  }
}

rule "healthapp-sync" {
  description      = "cloud synchronisation and privacy switches (HiH_HiSyncControl, HiH_HiSyncUtil, HiH_HiBroadcastUtil, HiH_)"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|HiH_(?:HiSyncControl|HiSyncUtil|HiBroadcastUtil)?\|\d+\|
  RE
  classification   = "Information"
  common_event     = "Health Data Sync"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      event.message.contains("Failed") || event.message.contains("not!")
    CEL
    classification = "Warning"
    common_event   = "Health Data Sync Failed"
    risk           = 1
  }

  test {
    log    = "20240312-10:11:17:005|HiH_HiBroadcastUtil|30002312|sendSyncFailedBroadcast"
    expect = { common_event = "Health Data Sync Failed" }
  }
}

rule "healthapp-data-store" {
  description      = "the health data store and its binder (HiH_HiHealthDataInsertStore, HiH_HiHealthBinder, HiH_DataStatManager, HiH_ListenerManager, HiH_HiAppUtil)"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 100
  pattern          = <<-RE
    \|HiH_(?:HiHealthDataInsertStore|HiHealthBinder|DataStatManager|ListenerManager|HiAppUtil)\|\d+\|
  RE
  classification   = "Information"
  common_event     = "Health Data Store"
  risk             = 0

  sub_rule "failed" {
    when           = "event.message.contains(\"fail\")"
    classification = "Error"
    common_event   = "Health Data Store Failed"
    risk           = 1
  }

  test {
    log    = "20240312-10:11:18:006|HiH_HiHealthBinder|30002312|insertHiHealthData() bulkSaveDetailHiHealthData fail errorCode = 4,errorMessage = ERR_DATA_INSERT"
    expect = { classification = "Error" }
  }
}

rule "healthapp-other" {
  description      = "catch-all: any other HealthApp message, kept with its header"
  log_source_types = ["loghub-healthapp"]
  sort_order       = 9000
  pattern          = <<-RE
    ^\d{8}-\d\d:\d\d:\d\d:\d+\|
  RE
  classification   = "Information"
  common_event     = "HealthApp Message"
  risk             = 0

  test {
    log    = "20240312-10:11:19:007|Step_New|1|hello"
    expect = { "log.logger" = "Step_New" }
  }
}
