# Tags several rule files share: timestamps in the layouts Java logging
# frameworks (log4j, logback) write.

# 2015-10-18 18:01:47,978
tag "javatime" {
  pattern = <<-RE
    \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2},\d{3}
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02 15:04:05,000"
}

# 2016-09-28 04:30:30
tag "isotime" {
  pattern = <<-RE
    \d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?
  RE
  field   = "@timestamp"
  type    = "time"
  layout  = "2006-01-02 15:04:05"
}
