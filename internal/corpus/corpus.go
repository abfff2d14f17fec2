// Package corpus lists the files of the shared corpus of sample logs
// (Elastic's and Loghub's text logs, kept outside the repository in
// ../shared/corpus) with the log source type their lines are parsed as.
// The MPE's tests and benchmarks, the literal scan's comparison
// (mpe/acscan) and the bench command read the same files as the same
// types, so their figures compare.
//
// It is not under testing: the bench command imports it. It imports
// nothing of the module, so any layer may use it.
package corpus

// Source is a glob of corpus files, relative to the corpus directory, and
// the log source type of their lines.
type Source struct {
	Glob string
	Type string
}

// Sources are the corpus files and their types, a new slice at each call.
// Loghub's OpenSSH and Linux logs are read as linux-auth and syslog, the
// types of the Elastic files they resemble (the starter rules give
// loghub-openssh and loghub-linux the same rules).
func Sources() []Source {
	return []Source{
		{"elastic/system/auth/*.log", "linux-auth"},
		{"elastic/system/syslog/*.log", "syslog"},
		{"elastic/apache/access/*.log", "apache-access"},
		{"elastic/apache/error/*.log", "apache-error"},
		{"elastic/nginx/access/*.log", "nginx-access"},
		{"elastic/cisco_asa/log/*.log", "cisco-asa"},
		{"loghub/OpenSSH/*.log", "linux-auth"},
		{"loghub/Linux/*.log", "syslog"},
		{"loghub/HDFS/*.log", "loghub-hdfs"},
		{"loghub/Hadoop/*.log", "loghub-hadoop"},
		{"loghub/Spark/*.log", "loghub-spark"},
		{"loghub/Zookeeper/*.log", "loghub-zookeeper"},
		{"loghub/BGL/*.log", "loghub-bgl"},
		{"loghub/HealthApp/*.log", "loghub-healthapp"},
		{"loghub/Android/*.log", "loghub-android"},
		{"loghub/Windows/*.log", "loghub-windows"},
		{"loghub/Apache/*.log", "loghub-apache"},
	}
}
