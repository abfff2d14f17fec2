#!/usr/bin/env bash
# Installs Sluice without a package (make install): bin/sluice, the systemd
# units, the man page and the default configs, rules and intel lists.
# Existing configs are never overwritten: an upgrade keeps the admin's.
#
# Environment: PREFIX (default /usr/local), DESTDIR (a staging root, for
# packagers), SYSCONFDIR (default /etc), SYSTEMD_UNIT_DIR (default
# $PREFIX/lib/systemd/system, which systemd reads for /usr/local too).
set -euo pipefail
cd "$(dirname "$0")/.."
PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
SYSCONFDIR=${SYSCONFDIR:-/etc}
SYSTEMD_UNIT_DIR=${SYSTEMD_UNIT_DIR:-$PREFIX/lib/systemd/system}
etc=$DESTDIR$SYSCONFDIR/sluice

install -D -m 0755 bin/sluice "$DESTDIR$PREFIX/bin/sluice"
install -d -m 0755 "$DESTDIR$SYSTEMD_UNIT_DIR" "$DESTDIR$PREFIX/share/man/man1"
for unit in packaging/systemd/*.service; do
	# The units name /usr/bin/sluice and /etc/sluice, where the package puts them.
	sed -e "s|/usr/bin/sluice|$PREFIX/bin/sluice|g" -e "s|/etc/sluice|$SYSCONFDIR/sluice|g" "$unit" \
		>"$DESTDIR$SYSTEMD_UNIT_DIR/$(basename "$unit")"
	chmod 0644 "$DESTDIR$SYSTEMD_UNIT_DIR/$(basename "$unit")"
done
install -m 0644 packaging/doc/sluice.1 "$DESTDIR$PREFIX/share/man/man1/sluice.1"

# install_new SRC DST: copies SRC to DST unless DST exists.
install_new() {
	if [ -e "$2" ]; then
		echo "kept $2 (exists)"
	else
		install -D -m 0644 "$1" "$2"
	fi
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in agent mediator arm; do
	sed -e "s|/etc/sluice|$SYSCONFDIR/sluice|g" "packaging/etc/$f.hcl" >"$tmp/$f.hcl"
	install_new "$tmp/$f.hcl" "$etc/$f.hcl"
done
for f in configs/rules/*.hcl; do install_new "$f" "$etc/rules/$(basename "$f")"; done
for f in configs/intel/*; do install_new "$f" "$etc/intel/$(basename "$f")"; done

# Into the running system (no DESTDIR, as root): the user the units run
# as, and /etc/sluice/pki, as the package's scripts make them.
if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ]; then
	packaging/scripts/preinstall.sh
	if [ ! -d "$etc/pki" ]; then
		install -d -m 0750 -g sluice "$etc/pki"
	fi
	[ -d /run/systemd/system ] && systemctl daemon-reload || true
fi
echo "installed $PREFIX/bin/sluice; configure $SYSCONFDIR/sluice, then: systemctl enable --now sluice-mediator (docs/operations.md)"
