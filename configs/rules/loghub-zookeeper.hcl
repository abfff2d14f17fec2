# Apache ZooKeeper server logs (Loghub's Zookeeper data set, log4j layout):
#
#   2015-07-29 19:04:12,394 - INFO  [/10.10.34.11:3888:QuorumCnxManager$Listener@493] - Received connection request /10.10.34.11:45307
#
# header_pattern reads time, level, thread, logger and source line; the
# rules read the message after " - ".
#
# Test lines are made up.

log_source_type "loghub-zookeeper" {
  header_pattern = "^<javatime> - <severity> +\\[(?:(?P<process__thread__name>.*?):)?<logger>@(?P<log__origin__file__line>\\d+)\\] - "
  timezone       = "UTC"
}

rule "zk-quorum-worker-stopped" {
  description      = "a quorum connection's send or receive worker stopped"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = "\\] - (?:Interrupted while waiting for message on queue|Interrupting SendWorker|Send worker leaving thread|RecvWorker leaving thread)"
  classification   = "Information"
  common_event     = "ZooKeeper Quorum Worker Stopped"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:12,001 - WARN  [SendWorker:7:QuorumCnxManager$SendWorker@688] - Send worker leaving thread"
    expect = { severity = "WARN", "log.logger" = "QuorumCnxManager$SendWorker", "process.thread.name" = "SendWorker:7", "@timestamp" = "2024-03-12T10:11:12.001Z" }
  }
}

rule "zk-connection-request" {
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = "\\] - Received connection request /<sip>:<sport>"
  classification   = "Network Traffic"
  common_event     = "ZooKeeper Quorum Connection Request"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:13,002 - INFO  [/192.0.2.60:3888:QuorumCnxManager$Listener@493] - Received connection request /192.0.2.61:45000"
    expect = { sip = "192.0.2.61", sport = "45000" }
  }
}

rule "zk-connection-broken" {
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = <<-RE
    \] - Connection broken for id (?P<labels__peer_id>\d+), my id = (?P<labels__my_id>\d+), error =
  RE
  classification   = "Warning"
  common_event     = "ZooKeeper Quorum Connection Broken"
  risk             = 1

  test {
    log    = "2024-03-12 10:11:14,003 - WARN  [RecvWorker:7:QuorumCnxManager$RecvWorker@762] - Connection broken for id 7, my id = 1, error = "
    expect = { "labels.peer_id" = "7", "labels.my_id" = "1" }
  }
}

rule "zk-cannot-open-channel" {
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = "\\] - Cannot open channel to (?P<labels__peer_id>\\d+) at election address /<dip>:<dport>"
  classification   = "Warning"
  common_event     = "ZooKeeper Peer Unreachable"
  risk             = 2

  test {
    log    = "2024-03-12 10:11:15,004 - WARN  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:QuorumCnxManager@368] - Cannot open channel to 2 at election address /192.0.2.62:3888"
    expect = { "labels.peer_id" = "2", dip = "192.0.2.62", dport = "3888" }
  }
}

rule "zk-session" {
  description      = "client sessions: requested, renewed, established, revalidated, terminated, expired"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = <<-RE
    \] - (?:Client attempting to (?:establish new|renew) session (?:(?P<labels__session_id>0x[0-9a-f]+) )?at /<sip>:<sport>|Established session (?P<labels__session_id>0x[0-9a-f]+) with negotiated timeout (?P<labels__timeout>\d+) for client /<sip>:<sport>|Processed session termination for sessionid: (?P<labels__session_id>0x[0-9a-f]+)|Expiring session (?P<labels__session_id>0x[0-9a-f]+), timeout of (?P<labels__timeout>\d+)ms exceeded|Revalidating client: (?P<labels__session_id>0x[0-9a-f]+))
  RE
  classification   = "Information"
  common_event     = "ZooKeeper Client Session"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:16,005 - INFO  [CommitProcessor:1:ZooKeeperServer@617] - Established session 0x14ed93111f20027 with negotiated timeout 10000 for client /192.0.2.63:53000"
    expect = { "labels.session_id" = "0x14ed93111f20027", "labels.timeout" = "10000", sip = "192.0.2.63" }
  }
  test {
    log    = "2024-03-12 10:11:17,006 - INFO  [SessionTracker:ZooKeeperServer@325] - Expiring session 0x14ed93111f20028, timeout of 10000ms exceeded"
    expect = { "labels.session_id" = "0x14ed93111f20028" }
  }
}

rule "zk-client-socket" {
  description      = "client sockets: accepted, closed, old clients, end of stream"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = <<-RE
    \] - (?:Accepted socket connection from /<sip>:<sport>|Closed socket connection for client /<sip>:<sport> (?:which had sessionid (?P<labels__session_id>0x[0-9a-f]+)|\(no session established for client\))|Connection request from old client /<sip>:<sport>|caught end of stream exception)
  RE
  classification   = "Network Traffic"
  common_event     = "ZooKeeper Client Connection"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:18,007 - INFO  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@1001] - Closed socket connection for client /192.0.2.64:41000 which had sessionid 0x14ed93111f20029"
    expect = { sip = "192.0.2.64", sport = "41000", "labels.session_id" = "0x14ed93111f20029" }
  }
}

rule "zk-election" {
  description      = "leader election: notifications, timeouts, new elections, peer states"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = <<-RE
    \] - (?:Notification: (?P<labels__leader>\d+) \(n\.leader\)|Notification time out: (?P<labels__timeout>\d+)|New election\. My id = +(?P<labels__my_id>\d+)|(?P<labels__state>LOOKING|FOLLOWING|LEADING|OBSERVING)\s*$|FOLLOWING - LEADER ELECTION TOOK - (?P<labels__election_ms>\d+)|Have smaller server identifier|Have quorum of supporters|First is (?:0x)?[0-9a-f]+|Follower sid: \d+)
  RE
  classification   = "Information"
  common_event     = "ZooKeeper Leader Election"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:19,008 - INFO  [WorkerReceiver[myid=1]:FastLeaderElection@542] - Notification: 3 (n.leader), 0xb0000007b (n.zxid), 0x2 (n.round), LOOKING (n.state), 3 (n.sid), 0xb (n.peerEPoch), LOOKING (my state)"
    expect = { "labels.leader" = "3" }
  }
  test {
    log    = "2024-03-12 10:11:20,009 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:QuorumPeer@738] - LOOKING"
    expect = { "labels.state" = "LOOKING" }
  }
}

rule "zk-learner" {
  description      = "followers and learners: snapshots, diffs, goodbyes"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = <<-RE
    \] - (?:\*+ GOODBYE /<sip>:<sport> \*+|Getting a snapshot from leader|Snapshotting: (?:0x)?[0-9a-f]+ to (?P<file__path>\S+)|Reading snapshot (?P<file__path>\S+)|Sending (?:DIFF|SNAP|TRUNC))
  RE
  classification   = "Information"
  common_event     = "ZooKeeper Data Synchronisation"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:21,010 - WARN  [LearnerHandler-/192.0.2.65:35000:LearnerHandler@575] - ******* GOODBYE /192.0.2.65:35000 ********"
    expect = { sip = "192.0.2.65", sport = "35000" }
  }
}

rule "zk-exception" {
  description      = "unexpected exceptions that close sockets or sessions"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = "\\] - (?:Unexpected [Ee]xception(?: causing shutdown while sock still open)?|Exception causing close of session (?P<labels__session_id>0x[0-9a-f]+) due to (?P<error__message>.+)|Got user-level KeeperException when processing (?P<error__message>.+))"
  classification   = "Error"
  common_event     = "ZooKeeper Exception"
  risk             = 2

  test {
    log    = "2024-03-12 10:11:22,011 - WARN  [NIOServerCxn.Factory:0.0.0.0/0.0.0.0:2181:NIOServerCnxn@349] - Exception causing close of session 0x0 due to java.io.IOException: ZooKeeperServer not running"
    expect = { "labels.session_id" = "0x0", "error.message" = "java.io.IOException: ZooKeeperServer not running" }
  }
}

rule "zk-lifecycle" {
  description      = "server start, configuration and shutdown"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 100
  pattern          = <<-RE
    \] - (?:(?:Server|Client) environment:(?P<labels__setting>[^=]+)=|(?P<labels__setting>autopurge\.purgeInterval|autopurge\.snapRetainCount|tickTime|minSessionTimeout|maxSessionTimeout) set to|My election bind port|Starting quorum peer|shutdown of request processor complete|Shutting down)
  RE
  classification   = "Startup and Shutdown"
  common_event     = "ZooKeeper Server Lifecycle"
  risk             = 0

  test {
    log    = "2024-03-12 10:11:23,012 - INFO  [main:Environment@100] - Server environment:java.version=1.7.0_79"
    expect = { "labels.setting" = "java.version" }
  }
}

rule "zk-other" {
  description      = "catch-all: any other ZooKeeper message, kept with its header"
  log_source_types = ["loghub-zookeeper"]
  sort_order       = 9000
  pattern          = <<-RE
    ^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - \w+ +\[
  RE
  classification   = "Information"
  common_event     = "ZooKeeper Message"
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
    log    = "2024-03-12 10:11:24,013 - ERROR [main:QuorumPeerMain@89] - Unexpected thing"
    expect = { classification = "Error", "log.logger" = "QuorumPeerMain" }
  }
}
