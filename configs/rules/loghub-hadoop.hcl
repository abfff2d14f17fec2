# Hadoop MapReduce application master and YARN client logs (Loghub's
# Hadoop data set, log4j layout):
#
#   2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1445144423722_0020_000001
#
# Test lines are made up.

log_source_type "loghub-hadoop" {
  header_format = "<javatime> <severity> [<process__thread__name>] <logger>: "
  timezone      = "UTC"
}

rule "hadoop-ipc-address-change" {
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    : Address change detected\. Old: (?P<labels__old_address>\S+) New: (?P<destination__address>[^\s:]+):<dport>
  RE
  classification   = "Warning"
  common_event     = "Hadoop Server Address Changed"
  risk             = 1

  test {
    log    = "2024-03-12 10:11:12,001 WARN [LeaseRenewer:dana@nn.example:9000] org.apache.hadoop.ipc.Client: Address change detected. Old: nn.example/192.0.2.70:9000 New: nn.example:9000"
    expect = { "labels.old_address" = "nn.example/192.0.2.70:9000", dport = "9000", severity = "WARN", "log.logger" = "org.apache.hadoop.ipc.Client", "@timestamp" = "2024-03-12T10:11:12.001Z" }
  }
}

rule "hadoop-ipc-retry" {
  description      = "an IPC client cannot reach a server (resource manager, name node) and retries"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    : (?:Retrying connect to server: (?P<destination__address>[^\s:]+):<dport>\. Already tried (?P<labels__tries>\d+) time|ERROR IN CONTACTING RM)
  RE
  classification   = "Error"
  common_event     = "Hadoop Server Unreachable"
  risk             = 2

  test {
    log    = "2024-03-12 10:11:13,002 INFO [RMCommunicator Allocator] org.apache.hadoop.ipc.Client: Retrying connect to server: rm.example:8030. Already tried 3 time(s); retry policy is RetryUpToMaximumCountWithFixedSleep(maxRetries=10, sleepTime=1000 MILLISECONDS)"
    expect = { "destination.address" = "rm.example", dport = "8030", "labels.tries" = "3" }
  }
  test {
    log    = "2024-03-12 10:11:14,003 ERROR [RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator: ERROR IN CONTACTING RM. "
    expect = { severity = "ERROR", classification = "Error" }
  }
}

rule "hadoop-lease-renew-failed" {
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    : Failed to renew lease for \[(?P<labels__client>[^\]]+)\] for (?P<labels__seconds>\d+) seconds
  RE
  classification   = "Warning"
  common_event     = "HDFS Lease Renewal Failed"
  risk             = 1

  test {
    log    = "2024-03-12 10:11:15,004 WARN [LeaseRenewer:dana@nn.example:9000] org.apache.hadoop.hdfs.LeaseRenewer: Failed to renew lease for [DFSClient_NONMAPREDUCE_1_1] for 30 seconds.  Will retry shortly ..."
    expect = { "labels.client" = "DFSClient_NONMAPREDUCE_1_1", "labels.seconds" = "30" }
  }
}

rule "hadoop-task-progress" {
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = ": Progress of TaskAttempt (?P<labels__attempt>attempt_\\S+) is : (?P<labels__progress>[\\d.]+)"
  classification   = "Information"
  common_event     = "Hadoop Task Progress"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:16,005 INFO [IPC Server handler 1 on 62270] org.apache.hadoop.mapred.TaskAttemptListenerImpl: Progress of TaskAttempt attempt_1_0001_m_000002_0 is : 0.5"
    expect = { "labels.attempt" = "attempt_1_0001_m_000002_0", "labels.progress" = "0.5" }
  }
}

rule "hadoop-state-transition" {
  description      = "a job, task or task attempt changed state"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    : (?P<labels__entity>(?:job|task|attempt)_\S+?) ?(?P<labels__kind>Job|Task|TaskAttempt) Transitioned from (?P<labels__from>\w+) to (?P<labels__to>\w+)
  RE
  classification   = "Information"
  common_event     = "Hadoop State Change"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      event.labels.to in ["FAILED", "KILLED", "FAIL_CONTAINER_CLEANUP", "FAIL_TASK_CLEANUP", "ERROR"]
    CEL
    classification = "Error"
    common_event   = "Hadoop Task Failed"
    risk           = 2
  }

  test {
    log    = "2024-03-12 10:11:17,006 INFO [AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.TaskAttemptImpl: attempt_1_0001_m_000003_0 TaskAttempt Transitioned from RUNNING to FAIL_CONTAINER_CLEANUP"
    expect = { "labels.entity" = "attempt_1_0001_m_000003_0", "labels.kind" = "TaskAttempt", "labels.to" = "FAIL_CONTAINER_CLEANUP", classification = "Error" }
  }
  test {
    log    = "2024-03-12 10:11:18,007 INFO [AsyncDispatcher event handler] org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl: job_1_0001Job Transitioned from NEW to INITED"
    expect = { "labels.entity" = "job_1_0001", "labels.kind" = "Job", "labels.to" = "INITED" }
  }
}

rule "hadoop-container-scheduling" {
  description      = "the application master's container requests, allocations, assignments and scheduling state"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 110
  pattern          = "\\.(?:RMContainerAllocator|RMContainerRequestor|RMCommunicator): "
  classification   = "Information"
  common_event     = "Hadoop Container Scheduling"
  risk             = 0

  sub_rule "node-failures" {
    when           = <<-CEL
      event.message.contains(" failures on node ") || event.message.contains("list of failed maps")
    CEL
    classification = "Warning"
    common_event   = "Hadoop Node Failures"
    risk           = 1
  }

  test {
    log    = "2024-03-12 10:11:19,008 INFO [RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.rm.RMContainerAllocator: Recalculating schedule, headroom=<memory:1024, vCores:-3>"
    expect = { common_event = "Hadoop Container Scheduling" }
  }
  test {
    log    = "2024-03-12 10:11:20,009 INFO [RMCommunicator Allocator] org.apache.hadoop.mapreduce.v2.app.rm.RMContainerRequestor: 1 failures on node WORKER-7"
    expect = { classification = "Warning" }
  }
}

rule "hadoop-container-launch" {
  description      = "launching and stopping containers on node managers"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = "\\.(?:ContainerLauncherImpl|ContainerManagementProtocolProxy): "
  classification   = "Information"
  common_event     = "Hadoop Container Launch"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:21,010 INFO [ContainerLauncher #1] org.apache.hadoop.mapreduce.v2.app.launcher.ContainerLauncherImpl: Launching attempt_1_0001_m_000004_0"
    expect = { common_event = "Hadoop Container Launch" }
  }
}

rule "hadoop-task-attempt" {
  description      = "task attempts: JVMs asking for tasks, containers, tokens, diagnostics"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 110
  pattern          = "\\.(?:TaskAttemptListenerImpl|TaskAttemptImpl|TaskImpl): "
  classification   = "Information"
  common_event     = "Hadoop Task Attempt"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      event.message.contains("Diagnostics report") || event.message.contains("- exited :") || event.message.contains("cleanup failed")
    CEL
    classification = "Error"
    common_event   = "Hadoop Task Attempt Failed"
    risk           = 2
  }

  test {
    log    = "2024-03-12 10:11:22,011 INFO [IPC Server handler 2 on 62270] org.apache.hadoop.mapred.TaskAttemptListenerImpl: Diagnostics report from attempt_1_0001_m_000005_0: Error: java.net.NoRouteToHostException: No Route to Host"
    expect = { classification = "Error" }
  }
}

rule "hadoop-speculation" {
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = "\\.DefaultSpeculator: "
  classification   = "Information"
  common_event     = "Hadoop Speculative Execution"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:23,012 INFO [DefaultSpeculator background processing] org.apache.hadoop.mapreduce.v2.app.speculate.DefaultSpeculator: We launched 1 speculations.  Sleeping 15000 milliseconds."
    expect = { common_event = "Hadoop Speculative Execution" }
  }
}

rule "hadoop-auth" {
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    : Auth (?P<labels__result>successful|failed) for (?P<user__name>\S+) \(auth:(?P<labels__method>\w+)\)
  RE
  classification   = "Authentication Success"
  common_event     = "Hadoop RPC Authentication"
  risk             = 1
  fields           = { "event.category" = ["authentication"], "event.outcome" = "success" }

  sub_rule "failed" {
    when           = "event.labels.result == \"failed\""
    classification = "Authentication Failure"
    common_event   = "Hadoop RPC Authentication Failed"
    risk           = 4
    fields         = { "event.outcome" = "failure" }
  }

  test {
    log    = "2024-03-12 10:11:24,013 INFO [Socket Reader #1 for port 62270] SecurityLogger.org.apache.hadoop.ipc.Server: Auth successful for job_1_0001 (auth:SIMPLE)"
    expect = { login = "job_1_0001", "labels.method" = "SIMPLE", "event.outcome" = "success" }
  }
}

rule "hadoop-hdfs-client-error" {
  description      = "HDFS client write-pipeline trouble: slow or failed acks, bad data nodes, streamer exceptions"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = "\\.DFSClient: (?:Slow ReadProcessor|DFSOutputStream ResponseProcessor exception|Error Recovery for block|DataStreamer Exception|Exception in createBlockOutputStream|Abandoning)"
  classification   = "Warning"
  common_event     = "HDFS Client Write Problem"
  risk             = 1

  test {
    log    = "2024-03-12 10:11:25,014 WARN [DataStreamer for file /out/x] org.apache.hadoop.hdfs.DFSClient: DataStreamer Exception"
    expect = { common_event = "HDFS Client Write Problem" }
  }
}

rule "hadoop-rack-resolved" {
  log_source_types = ["loghub-hadoop"]
  sort_order       = 100
  pattern          = <<-RE
    \.RackResolver: Resolved (?P<host__name>\S+) to (?P<labels__rack>\S+)
  RE
  classification   = "Information"
  common_event     = "Hadoop Rack Resolved"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:26,015 INFO [RMCommunicator Allocator] org.apache.hadoop.yarn.util.RackResolver: Resolved WORKER-7 to /default-rack"
    expect = { "host.name" = "WORKER-7", "labels.rack" = "/default-rack" }
  }
}

rule "hadoop-job" {
  description      = "the job and its commit: setup, sizes, tokens, history events, commits"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 200
  pattern          = "\\.(?:JobImpl|CommitterEventHandler|JobHistoryEventHandler|JobHistoryUtils): "
  classification   = "Information"
  common_event     = "Hadoop Job"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      event.severity in ["ERROR", "FATAL"] || event.message.contains("failed") || event.message.contains("Error writing")
    CEL
    classification = "Error"
    common_event   = "Hadoop Job Error"
    risk           = 2
  }

  test {
    log    = "2024-03-12 10:11:27,016 INFO [main] org.apache.hadoop.mapreduce.v2.app.job.impl.JobImpl: Number of reduces for job job_1_0001 = 1"
    expect = { common_event = "Hadoop Job" }
  }
}

rule "hadoop-service-lifecycle" {
  description      = "the application master and its services starting and stopping: IPC and HTTP servers, web apps, metrics, dispatchers, configuration"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 200
  pattern          = "\\.(?:MRAppMaster|MRClientService|HttpServer2|HttpRequestLog|WebApps|MetricsConfig|MetricsSystemImpl|AsyncDispatcher|RpcServerFactoryPBImpl|CallQueueManager|ipc\\.Server|RMProxy|YarnUncaughtExceptionHandler)(?:\\$\\w+)?: |\\] org\\.mortbay\\.log: "
  classification   = "Startup and Shutdown"
  common_event     = "Hadoop Service Lifecycle"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.severity in ["ERROR", "FATAL"] || event.message.contains("threw an Exception")
    CEL
    classification = "Error"
    common_event   = "Hadoop Service Error"
    risk           = 2
  }

  test {
    log    = "2024-03-12 10:11:28,017 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_1_0001_000001"
    expect = { common_event = "Hadoop Service Lifecycle" }
  }
  test {
    log    = "2024-03-12 10:11:29,018 INFO [main] org.mortbay.log: jetty-6.1.26"
    expect = { common_event = "Hadoop Service Lifecycle", "log.logger" = "org.mortbay.log" }
  }
}

rule "hadoop-other" {
  description      = "catch-all: any other Hadoop message, kept with its header"
  log_source_types = ["loghub-hadoop"]
  sort_order       = 9000
  pattern          = <<-RE
    ^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} \w+ \[
  RE
  classification   = "Information"
  common_event     = "Hadoop Message"
  risk             = 0

  sub_rule "error" {
    when           = <<-CEL
      event.severity in ["ERROR", "FATAL"]
    CEL
    classification = "Error"
    risk           = 2
  }
  sub_rule "warning" {
    when           = "event.severity == \"WARN\""
    classification = "Warning"
    risk           = 1
  }

  test {
    log    = "2024-03-12 10:11:30,019 WARN [main] org.example.Thing: odd"
    expect = { classification = "Warning" }
  }
}
