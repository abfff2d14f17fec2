# Apache Spark executor logs (Loghub's Spark data set, log4j layout):
#
#   17/06/09 20:10:52 INFO executor.Executor: Running task 2.0 in stage 1.0 (TID 69)
#
# Test lines are made up.

log_source_type "loghub-spark" {
  header_format = "<sparktime> <severity> <logger>: "
  timezone      = "UTC"
}

# 17/06/09 20:10:40 (yy/MM/dd HH:mm:ss)
tag "sparktime" {
  pattern = <<-RE
    \d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "06/01/02 15:04:05"
}

rule "spark-task" {
  description      = "an executor was assigned, ran or finished a task"
  log_source_types = ["loghub-spark"]
  sort_order       = 100
  pattern          = <<-RE
    : (?:Got assigned task (?P<labels__tid>\d+)|Running task (?P<labels__task>[\d.]+) in stage (?P<labels__stage>[\d.]+) \(TID (?P<labels__tid>\d+)\)|Finished task (?P<labels__task>[\d.]+) in stage (?P<labels__stage>[\d.]+) \(TID (?P<labels__tid>\d+)\)\. (?P<labels__result_bytes>\d+) bytes result sent to driver)
  RE
  classification   = "Information"
  common_event     = "Spark Task"
  risk             = 0

  test {
    log    = "24/03/12 10:11:12 INFO executor.Executor: Finished task 3.0 in stage 2.0 (TID 77). 2087 bytes result sent to driver"
    expect = { "labels.task" = "3.0", "labels.stage" = "2.0", "labels.tid" = "77", "labels.result_bytes" = "2087", severity = "INFO", "log.logger" = "executor.Executor", "@timestamp" = "2024-03-12T10:11:12Z" }
  }
}

rule "spark-python-times" {
  description      = "a Python worker's timing of a task"
  log_source_types = ["loghub-spark"]
  sort_order       = 100
  pattern          = <<-RE
    : Times: total = (?P<labels__total_ms>\d+), boot = (?P<labels__boot_ms>-?\d+), init = (?P<labels__init_ms>-?\d+), finish = (?P<labels__finish_ms>-?\d+)
  RE
  classification   = "Information"
  common_event     = "Spark Python Task Timing"
  risk             = 0

  test {
    log    = "24/03/12 10:11:13 INFO python.PythonRunner: Times: total = 42, boot = -5, init = 7, finish = 40"
    expect = { "labels.total_ms" = "42", "labels.boot_ms" = "-5" }
  }
}

rule "spark-block" {
  description      = "blocks and partitions of RDDs and broadcasts: stored, found, computed, read"
  log_source_types = ["loghub-spark"]
  sort_order       = 100
  pattern          = <<-RE
    : (?:Found block (?P<labels__block>\S+) (?:locally|remotely)|Block (?P<labels__block>\S+) stored as (?:bytes|values) in memory \(estimated size (?P<labels__size>[\d.]+ [KMGT]?B), free (?P<labels__free>[\d.]+ [KMGT]?B)\)|Partition (?P<labels__block>\S+) not found, computing it|Started reading broadcast variable (?P<labels__broadcast>\d+)|Reading broadcast variable (?P<labels__broadcast>\d+) took (?P<labels__ms>\d+) ms|Input split: (?P<url__original>\S+))
  RE
  classification   = "Information"
  common_event     = "Spark Block Storage"
  risk             = 0

  test {
    log    = "24/03/12 10:11:14 INFO storage.MemoryStore: Block broadcast_9 stored as values in memory (estimated size 9.6 KB, free 418.6 KB)"
    expect = { "labels.block" = "broadcast_9", "labels.size" = "9.6 KB", "labels.free" = "418.6 KB" }
  }
  test {
    log    = "24/03/12 10:11:15 INFO rdd.HadoopRDD: Input split: hdfs://nn.example:8020/data/part-0:0+1024"
    expect = { "url.original" = "hdfs://nn.example:8020/data/part-0:0+1024" }
  }
}

rule "spark-output-commit" {
  description      = "task output committed to the output location"
  log_source_types = ["loghub-spark"]
  sort_order       = 100
  pattern          = <<-RE
    : (?:File Output Committer Algorithm version is (?P<labels__version>\d+)|Saved output of task '(?P<labels__attempt>[^']+)' to (?P<url__original>\S+)|(?P<labels__attempt>attempt_\S+): Committed)
  RE
  classification   = "Object Created"
  common_event     = "Spark Output Committed"
  risk             = 0

  test {
    log    = "24/03/12 10:11:16 INFO output.FileOutputCommitter: Saved output of task 'attempt_201706092018_0024_m_000083_1138' to hdfs://nn.example:8020/out/_temporary/0"
    expect = { "labels.attempt" = "attempt_201706092018_0024_m_000083_1138", "url.original" = "hdfs://nn.example:8020/out/_temporary/0" }
  }
}

rule "spark-security" {
  description      = "ACLs and authentication settings of the SecurityManager"
  log_source_types = ["loghub-spark"]
  sort_order       = 100
  pattern          = ": (?:Changing (?:view|modify) acls to: (?P<labels__users>.+)|SecurityManager: authentication (?P<labels__authentication>enabled|disabled))"
  classification   = "Policy"
  common_event     = "Spark Access Control Settings"
  risk             = 1

  test {
    log    = "24/03/12 10:11:17 INFO spark.SecurityManager: Changing view acls to: yarn,dana"
    expect = { "labels.users" = "yarn,dana", classification = "Policy" }
  }
}

rule "spark-executor-lifecycle" {
  description      = "executor start-up: signal handlers, remoting, services, driver registration, block manager"
  log_source_types = ["loghub-spark"]
  sort_order       = 100
  pattern          = <<-RE
    : (?:Registered signal handlers|Slf4jLogger started|Starting remoting|Remoting (?:started|shut down)|Successfully started service '(?P<service__name>[^']+)' on port (?P<server__port>\d+)|Created local directory at (?P<file__path>\S+)|MemoryStore started with capacity|Connecting to driver: (?P<url__original>\S+)|Successfully registered with driver|Starting executor ID (?P<labels__executor>\S+) on host (?P<host__name>\S+)|Server created on (?P<server__port>\d+)|Trying to register BlockManager|Registered BlockManager|Driver commanded a shutdown|Shutdown hook called|MemoryStore cleared)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "Spark Executor Lifecycle"
  risk             = 0

  test {
    log    = "24/03/12 10:11:18 INFO util.Utils: Successfully started service 'sparkExecutorActorSystem' on port 55904."
    expect = { "service.name" = "sparkExecutorActorSystem", "server.port" = "55904" }
  }
}

rule "spark-config-deprecated" {
  description      = "a deprecated Hadoop configuration key"
  log_source_types = ["loghub-spark", "loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    : (?P<labels__key>\S+) is deprecated\. Instead, use (?P<labels__replacement>\S+)
  RE
  classification   = "Warning"
  common_event     = "Deprecated Configuration Key"
  risk             = 0

  test {
    log    = "24/03/12 10:11:19 INFO Configuration.deprecation: mapred.tip.id is deprecated. Instead, use mapreduce.task.id"
    expect = { "labels.key" = "mapred.tip.id", "labels.replacement" = "mapreduce.task.id" }
  }
}

rule "spark-error" {
  description      = "errors and exceptions an executor reports"
  log_source_types = ["loghub-spark"]
  sort_order       = 200
  pattern          = <<-RE
    ^\S+ \S+ (?:ERROR|WARN) \S+: (?P<error__message>.*(?:[Ee]xception|[Ee]rror|[Ff]ailed|[Ll]ost).*)
  RE
  classification   = "Error"
  common_event     = "Spark Error"
  risk             = 2

  test {
    log    = "24/03/12 10:11:20 ERROR executor.Executor: Exception in task 1.0 in stage 3.0 (TID 90)"
    expect = { "error.message" = "Exception in task 1.0 in stage 3.0 (TID 90)" }
  }
}

rule "spark-other" {
  description      = "catch-all: any other Spark message, kept with its header"
  log_source_types = ["loghub-spark"]
  sort_order       = 9000
  pattern          = "^\\d\\d/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\w+ "
  classification   = "Information"
  common_event     = "Spark Message"
  risk             = 0

  sub_rule "warning" {
    when           = "event.severity == \"WARN\""
    classification = "Warning"
    risk           = 1
  }

  test {
    log    = "24/03/12 10:11:21 WARN storage.BlockManager: something odd"
    expect = { classification = "Warning" }
  }
}
