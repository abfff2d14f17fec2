#!/bin/sh
# After the files are removed (deb postrm, rpm %postun). Nothing here
# deletes state: /var/lib/sluice (spools, mediator state, the embedded
# index) stays on removal, upgrade and purge alike, and so do the user and
# group sluice that own it (a reinstall picks both up). Delete them by hand
# when the data is no longer needed (docs/operations.md).
set -e

# deb purge: dpkg has deleted the config files; /etc/sluice/pki (made by
# postinst) goes too if nothing was put in it. Keys and certificates stay.
if [ "$1" = purge ]; then
	rmdir /etc/sluice/pki /etc/sluice 2>/dev/null || true
fi

if [ -d /run/systemd/system ]; then
	systemctl daemon-reload >/dev/null || true
fi

exit 0
