#!/bin/sh
# Before the files are unpacked (deb preinst, rpm %pre): the system user
# and group sluice that the services run as. Idempotent: an existing user
# or group is kept as it is, on upgrades and reinstalls alike.
set -e

if ! getent group sluice >/dev/null; then
	groupadd --system sluice
fi
if ! getent passwd sluice >/dev/null; then
	useradd --system --gid sluice --home-dir /var/lib/sluice --no-create-home \
		--shell /usr/sbin/nologin --comment "Sluice log collection" sluice
fi

exit 0
