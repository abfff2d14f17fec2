#!/bin/sh
# Before the files are removed (deb prerm, rpm %preun). On removal, not on
# an upgrade, the services are stopped and disabled. State in
# /var/lib/sluice and the configs in /etc/sluice stay.
set -e

# deb: "remove" ("upgrade" on an upgrade); rpm: $1 is the number of
# versions left (0 on removal, 1 on an upgrade).
case "$1" in
	remove | 0) ;;
	*) exit 0 ;;
esac

if [ -d /run/systemd/system ]; then
	systemctl disable --now sluice-agent.service sluice-mediator.service sluice-arm.service >/dev/null 2>&1 || true
fi

exit 0
