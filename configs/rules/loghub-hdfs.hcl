# Hadoop HDFS name node and data node logs (Loghub's HDFS data set):
#
#   081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865049064139660 terminating
#
# header_format reads the time, thread, level and logger; the rules read
# the message, one rule per kind of block operation. Block ids go to
# labels.block_id, peers to source/destination ip and port.
#
# Test lines are made up.

log_source_type "loghub-hdfs" {
  header_format = "<hdfstime> <process__thread__id> <severity> <logger>: "
  timezone      = "UTC"
}

# 081109 203615 (yyMMdd HHmmss)
tag "hdfstime" {
  pattern = "\\d{6} \\d{6}"
  field   = "@timestamp"
  type    = "time"
  layout  = "060102 150405"
}

tag "blk" {
  pattern = "blk_-?\\d+"
  field   = "labels.block_id"
}

rule "hdfs-block-stored" {
  description      = "the name node recorded a block replica on a data node"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "NameSystem\\.addStoredBlock: blockMap updated: <dip>:<dport> is added to <blk> size <size>"
  classification   = "Information"
  common_event     = "HDFS Block Stored"
  risk             = 0

  test {
    log    = "240312 101112 42 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: blockMap updated: 192.0.2.40:50010 is added to blk_-4242 size 67108864"
    expect = { dip = "192.0.2.40", dport = "50010", "labels.block_id" = "blk_-4242", size = "67108864", severity = "INFO", "log.logger" = "dfs.FSNamesystem", "@timestamp" = "2024-03-12T10:11:12Z" }
  }
}

rule "hdfs-block-store-anomaly" {
  description      = "addStoredBlock requests that are redundant or for blocks of no file"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "NameSystem\\.addStoredBlock: (?:Redundant )?addStoredBlock request received for <blk> on <dip>:<dport> size <size>"
  classification   = "Warning"
  common_event     = "HDFS Block Store Anomaly"
  risk             = 1

  test {
    log    = "240312 101113 42 INFO dfs.FSNamesystem: BLOCK* NameSystem.addStoredBlock: Redundant addStoredBlock request received for blk_77 on 192.0.2.41:50010 size 1024"
    expect = { "labels.block_id" = "blk_77", dip = "192.0.2.41" }
  }
}

rule "hdfs-packet-responder" {
  description      = "a packet responder of a block write ended, was interrupted or failed"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = <<-RE
    PacketResponder (?:(?P<labels__responder>\d+) )?(?:for block <blk>(?: (?P<labels__state>terminating|Interrupted))?|<blk> (?:\d+ )?(?P<labels__state>Exception)\b)
  RE
  classification   = "Information"
  common_event     = "HDFS Packet Responder Stopped"
  risk             = 0

  sub_rule "failed" {
    when           = <<-CEL
      has(event.labels.state) && event.labels.state in ["Interrupted", "Exception"]
    CEL
    classification = "Warning"
    common_event   = "HDFS Packet Responder Failed"
    risk           = 1
  }

  test {
    log    = "240312 101114 148 INFO dfs.DataNode$PacketResponder: PacketResponder 2 for block blk_1234 terminating"
    expect = { "labels.responder" = "2", "labels.block_id" = "blk_1234", classification = "Information" }
  }
  test {
    log    = "240312 101115 148 INFO dfs.DataNode$PacketResponder: PacketResponder blk_1235 1 Exception java.io.IOException: Broken pipe"
    expect = { "labels.block_id" = "blk_1235", classification = "Warning" }
  }
}

rule "hdfs-block-received" {
  description      = "a data node received a whole block"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "Received block <blk> (?:of size <size> from /<sip>|src: /<sip>:<sport> dest: /<dip>:<dport> of size <size>)"
  classification   = "Information"
  common_event     = "HDFS Block Received"
  risk             = 0

  test {
    log    = "240312 101116 150 INFO dfs.DataNode$PacketResponder: Received block blk_99 of size 4096 from /192.0.2.42"
    expect = { "labels.block_id" = "blk_99", size = "4096", sip = "192.0.2.42" }
  }
  test {
    log    = "240312 101117 150 INFO dfs.DataNode$DataXceiver: Received block blk_98 src: /192.0.2.43:40000 dest: /192.0.2.44:50010 of size 512"
    expect = { sip = "192.0.2.43", dip = "192.0.2.44", size = "512" }
  }
}

rule "hdfs-block-receiving" {
  description      = "a data node starts receiving a block"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "Receiving block <blk> src: /<sip>:<sport> dest: /<dip>:<dport>"
  classification   = "Information"
  common_event     = "HDFS Block Receiving"
  risk             = 0

  test {
    log    = "240312 101118 151 INFO dfs.DataNode$DataXceiver: Receiving block blk_-97 src: /192.0.2.45:41000 dest: /192.0.2.46:50010"
    expect = { "labels.block_id" = "blk_-97", sip = "192.0.2.45", sport = "41000", dport = "50010" }
  }
}

rule "hdfs-block-deleted" {
  description      = "a data node deleted a block file"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "Deleting block <blk> file <object>"
  classification   = "Object Disposed"
  common_event     = "HDFS Block Deleted"
  risk             = 0

  test {
    log    = "240312 101119 19 INFO dfs.FSDataset: Deleting block blk_55 file /data/hdfs/current/subdir1/blk_55"
    expect = { "labels.block_id" = "blk_55", object = "/data/hdfs/current/subdir1/blk_55", classification = "Object Disposed" }
  }
}

rule "hdfs-block-invalidated" {
  description      = "the name node marked a block replica for deletion"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "NameSystem\\.delete: <blk> is added to invalidSet of <dip>:<dport>"
  classification   = "Information"
  common_event     = "HDFS Block Invalidated"
  risk             = 0

  test {
    log    = "240312 101120 30 INFO dfs.FSNamesystem: BLOCK* NameSystem.delete: blk_56 is added to invalidSet of 192.0.2.47:50010"
    expect = { "labels.block_id" = "blk_56", dip = "192.0.2.47", dport = "50010" }
  }
}

rule "hdfs-block-allocated" {
  description      = "the name node allocated a block for a file"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = <<-RE
    NameSystem\.allocateBlock: (?P<file__path>\S+?)\.? <blk>
  RE
  classification   = "Object Created"
  common_event     = "HDFS Block Allocated"
  risk             = 0

  test {
    log    = "240312 101121 31 INFO dfs.FSNamesystem: BLOCK* NameSystem.allocateBlock: /user/job_1/part-00001. blk_57"
    expect = { object = "/user/job_1/part-00001", "labels.block_id" = "blk_57" }
  }
}

rule "hdfs-block-served" {
  description      = "a data node sent a block to a reader"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "<shost>:<sport>:? Served block <blk> to /<dip>"
  classification   = "Information"
  common_event     = "HDFS Block Served"
  risk             = 0

  test {
    log    = "240312 101122 32 INFO dfs.DataNode$DataXceiver: 192.0.2.48:50010 Served block blk_58 to /192.0.2.49"
    expect = { sip = "192.0.2.48", sport = "50010", dip = "192.0.2.49", "labels.block_id" = "blk_58" }
  }
}

rule "hdfs-block-serve-failed" {
  description      = "a data node failed to send or write a block"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "<shost>:<sport>:(?:Got exception while serving <blk> to /<dip>:?|Exception writing block <blk> to mirror <dhost>:<dport>|Failed to transfer <blk> to <dhost>:<dport> got (?P<error__message>.+))"
  classification   = "Error"
  common_event     = "HDFS Block Transfer Failed"
  risk             = 2

  test {
    log    = "240312 101123 33 WARN dfs.DataNode$DataXceiver: 192.0.2.50:50010:Got exception while serving blk_59 to /192.0.2.51:"
    expect = { sip = "192.0.2.50", dip = "192.0.2.51", "labels.block_id" = "blk_59", severity = "WARN" }
  }
}

rule "hdfs-block-transmitted" {
  description      = "a data node transmitted a block to another"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "<shost>:<sport>:Transmitted block <blk> to /<dip>:<dport>"
  classification   = "Information"
  common_event     = "HDFS Block Transmitted"
  risk             = 0

  test {
    log    = "240312 101124 34 INFO dfs.DataNode$DataTransfer: 192.0.2.52:50010:Transmitted block blk_60 to /192.0.2.53:50010"
    expect = { sip = "192.0.2.52", dip = "192.0.2.53", "labels.block_id" = "blk_60" }
  }
}

rule "hdfs-block-verified" {
  description      = "the block scanner verified a block"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "Verification succeeded for <blk>"
  classification   = "Information"
  common_event     = "HDFS Block Verified"
  risk             = 0

  test {
    log    = "240312 101125 35 INFO dfs.DataBlockScanner: Verification succeeded for blk_61"
    expect = { "labels.block_id" = "blk_61" }
  }
}

rule "hdfs-block-replication-request" {
  description      = "the name node asked a data node to delete or replicate blocks"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = <<-RE
    BLOCK\* ask <dhost>:<dport> to (?P<event__action>delete|replicate) +<blk>(?: to datanode\(s\) (?P<labels__targets>.+))?
  RE
  classification   = "Information"
  common_event     = "HDFS Block Replication Request"
  risk             = 0

  test {
    log    = "240312 101126 36 INFO dfs.FSNamesystem: BLOCK* ask 192.0.2.54:50010 to replicate blk_62 to datanode(s) 192.0.2.55:50010"
    expect = { dip = "192.0.2.54", action = "replicate", "labels.block_id" = "blk_62", "labels.targets" = "192.0.2.55:50010" }
  }
  test {
    log    = "240312 101127 36 INFO dfs.FSNamesystem: BLOCK* ask 192.0.2.54:50010 to delete  blk_63 blk_64"
    expect = { action = "delete", "labels.block_id" = "blk_63" }
  }
}

rule "hdfs-block-transfer-start" {
  description      = "a data node starts a thread to copy a block to others"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 100
  pattern          = "<shost>:<sport> Starting thread to transfer block <blk> to (?P<labels__targets>.+)"
  classification   = "Information"
  common_event     = "HDFS Block Transfer Started"
  risk             = 0

  test {
    log    = "240312 101128 37 INFO dfs.DataNode: 192.0.2.56:50010 Starting thread to transfer block blk_65 to 192.0.2.57:50010"
    expect = { sip = "192.0.2.56", "labels.block_id" = "blk_65", "labels.targets" = "192.0.2.57:50010" }
  }
}

rule "hdfs-block-problem" {
  description      = "a data node's trouble with one block: existing already, empty packets, receive or write exceptions, reopen, offset changes, missing block info, pending replication timeouts, blocks of no file"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 110
  pattern          = "(?:Adding an already existing block <blk>|Receiving empty packet for block <blk>|Exception in receiveBlock for block <blk>|writeBlock <blk> received exception|Reopen Block <blk>|Changing block file offset of block <blk>|Unexpected error trying to delete block <blk>|PendingReplicationMonitor timed out block <blk>|BLOCK\\* Removing block <blk> from neededReplications)"
  classification   = "Warning"
  common_event     = "HDFS Block Problem"
  risk             = 1

  test {
    log    = "240312 101129 38 INFO dfs.DataNode$BlockReceiver: Exception in receiveBlock for block blk_66 java.io.EOFException"
    expect = { "labels.block_id" = "blk_66", classification = "Warning" }
  }
}

rule "hdfs-other" {
  description      = "catch-all: any other HDFS message, kept with its header"
  log_source_types = ["loghub-hdfs"]
  sort_order       = 9000
  pattern          = "^\\d{6} \\d{6} \\d+ \\w+ [\\w.$]+: "
  classification   = "Information"
  common_event     = "HDFS Message"
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
    log    = "240312 101130 39 ERROR dfs.DataNode: something new happened"
    expect = { classification = "Error", "log.logger" = "dfs.DataNode" }
  }
}
