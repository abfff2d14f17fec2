#!/bin/sh
# After the files are unpacked (deb postinst, rpm %post). Services are not
# enabled or started on a first install: the admin configures
# /etc/sluice first (docs/operations.md). On an upgrade, the services
# that run are restarted on the new binary; their state in /var/lib/sluice
# is never touched.
set -e

# deb: "configure" with the old version as $2 on an upgrade; rpm: $1 is
# the number of installed versions (2 on an upgrade).
upgrade=false
case "$1" in
	configure) [ -n "$2" ] && upgrade=true ;;
	[2-9]*) upgrade=true ;;
esac

# Certificates and keys go here, readable by the services but nobody else.
if [ ! -d /etc/sluice/pki ]; then
	mkdir -p /etc/sluice/pki
	chown root:sluice /etc/sluice/pki
	chmod 0750 /etc/sluice/pki
fi

# Only where systemd runs (not in a container or chroot without it).
if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
	if [ "$upgrade" = true ]; then
		systemctl try-restart sluice-agent.service sluice-mediator.service sluice-arm.service >/dev/null || true
	fi
fi

exit 0
