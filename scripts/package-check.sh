#!/usr/bin/env bash
# Checks the packages `make package` wrote to dist/ (make package-check, in
# make test): their contents, lintian on the .deb, systemd-analyze verify
# on the units, and, on this machine (root), the .deb installed with dpkg
# -i, `sluice version` and `sluice config validate` from the installed
# paths, then removed and purged, keeping the state in /var/lib/sluice.
# Then make install into a DESTDIR. A missing tool fails the check.
#
# The machine is restored on any exit: the package purged, and the user
# sluice, /etc/sluice and /var/lib/sluice deleted if they were not there
# before. A lock keeps two checks (other worktrees) from sharing dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

fail() { echo "package-check: $*" >&2; exit 1; }
for tool in dpkg dpkg-deb lintian rpm systemd-analyze flock; do
	command -v "$tool" >/dev/null || fail "$tool is missing (make test-deps installs it)"
done
[ "$(id -u)" -eq 0 ] || fail "needs root: it installs the .deb"

shopt -s nullglob
debs=(dist/sluice_*_amd64.deb) arm_debs=(dist/sluice_*_arm64.deb)
rpms=(dist/sluice-*.x86_64.rpm) arm_rpms=(dist/sluice-*.aarch64.rpm)
shopt -u nullglob
# ARCHS: the architectures built (make test checks amd64 only, for CI time).
ARCHS=${ARCHS:-amd64 arm64}
arm=false
[[ " $ARCHS " == *" arm64 "* ]] && arm=true
[ ${#debs[@]} -eq 1 ] || fail "want one dist/sluice_*_amd64.deb, have ${#debs[@]}: run make package"
[ ${#rpms[@]} -eq 1 ] || fail "want one dist/sluice-*.x86_64.rpm, have ${#rpms[@]}: run make package"
if $arm; then
	[ ${#arm_debs[@]} -eq 1 ] && [ ${#arm_rpms[@]} -eq 1 ] || fail "want the arm64 .deb and .rpm in dist/: run make package"
fi
deb=${debs[0]}

# Contents.
listing=$(dpkg-deb -c "$deb")
for want in ./usr/bin/sluice ./lib/systemd/system/sluice-agent.service ./lib/systemd/system/sluice-mediator.service \
	./lib/systemd/system/sluice-arm.service ./etc/sluice/agent.hcl ./etc/sluice/mediator.hcl ./etc/sluice/arm.hcl \
	./etc/sluice/rules/linux-auth.hcl ./etc/sluice/intel/threat-ips.txt ./usr/share/doc/sluice/copyright; do
	grep -q " $want\$" <<<"$listing" || fail "$deb lacks $want"
done
conffiles=$(dpkg-deb --ctrl-tarfile "$deb" | tar -xOf - ./conffiles)
for want in /etc/sluice/agent.hcl /etc/sluice/mediator.hcl /etc/sluice/arm.hcl /etc/sluice/rules/linux-auth.hcl; do
	grep -qx "$want" <<<"$conffiles" || fail "$want is not a conffile"
done
if $arm; then
	[ "$(dpkg-deb -f "${arm_debs[0]}" Architecture)" = arm64 ] || fail "${arm_debs[0]} is not arm64"
	# The arm64 binary is an aarch64 ELF (cross-compiled, not the host's).
	# (od stops reading early: the extraction's broken pipe is expected.)
	arm_elf=$( (dpkg-deb --fsys-tarfile "${arm_debs[0]}" 2>/dev/null | tar -xOf - ./usr/bin/sluice || true) | od -An -tx1 -j18 -N2 | tr -d ' \n')
	[ "$arm_elf" = b700 ] || fail "the arm64 .deb's binary is not aarch64 (e_machine $arm_elf)"
fi

# The .rpm: units where rpm distributions keep them.
for r in "${rpms[0]}" ${arm_rpms[0]:+"${arm_rpms[0]}"}; do
	rpm_listing=$(rpm -qlp "$r" 2>/dev/null)
	for want in /usr/bin/sluice /usr/lib/systemd/system/sluice-agent.service /usr/lib/systemd/system/sluice-mediator.service \
		/usr/lib/systemd/system/sluice-arm.service /etc/sluice/mediator.hcl; do
		grep -qx "$want" <<<"$rpm_listing" || fail "$r lacks $want"
	done
	rpm_config=$(rpm -qp --configfiles "$r" 2>/dev/null)
	grep -qx /etc/sluice/mediator.hcl <<<"$rpm_config" || fail "$r: /etc/sluice/mediator.hcl is not a config file"
done

# lintian: no errors (warnings are printed). Overrides, if any, are in
# packaging/ with their reasons.
lintian --fail-on error --tag-display-limit 0 "$deb" || fail "lintian found errors in $deb"

exec 9>/run/lock/sluice-package-check.lock
flock 9

had_user=$(getent passwd sluice >/dev/null && echo yes || echo no)
had_group=$(getent group sluice >/dev/null && echo yes || echo no)
had_etc=$([ -e /etc/sluice ] && echo yes || echo no)
had_state=$([ -e /var/lib/sluice ] && echo yes || echo no)
restore() {
	local rc=$?
	dpkg -s sluice >/dev/null 2>&1 && dpkg -P sluice >/dev/null 2>&1 || true
	[ "$had_user" = yes ] || userdel sluice 2>/dev/null || true
	[ "$had_group" = yes ] || groupdel sluice 2>/dev/null || true
	[ "$had_etc" = yes ] || rm -rf /etc/sluice
	[ "$had_state" = yes ] || rm -rf /var/lib/sluice
	[ -z "${destdir:-}" ] || rm -rf "$destdir"
	exit $rc
}
trap restore EXIT

dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb failed"
out=$(/usr/bin/sluice version) || fail "/usr/bin/sluice version failed"
want="sluice ${VERSION:-$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
[ "$out" = "$want" ] || fail "/usr/bin/sluice version says \"$out\", want \"$want\""
getent passwd sluice >/dev/null || fail "no user sluice after install"
[ "$(stat -c '%U:%G %a' /etc/sluice/pki)" = "root:sluice 750" ] || fail "/etc/sluice/pki: $(stat -c '%U:%G %a' /etc/sluice/pki)"
/usr/bin/sluice config validate /etc/sluice/agent.hcl /etc/sluice/mediator.hcl /etc/sluice/arm.hcl >/dev/null ||
	fail "the installed default configs do not validate"
/usr/bin/sluice rules test /etc/sluice/rules >/dev/null || fail "the installed rules fail their tests"
systemd-analyze verify /lib/systemd/system/sluice-agent.service /lib/systemd/system/sluice-mediator.service \
	/lib/systemd/system/sluice-arm.service || fail "systemd-analyze verify failed on the installed units"

# State the daemons left (systemd's StateDirectory makes these): kept.
mkdir -p /var/lib/sluice/mediator
echo keep >/var/lib/sluice/mediator/marker
dpkg -i "$deb" >/dev/null || fail "reinstalling (an upgrade) failed"
dpkg -r sluice >/dev/null || fail "dpkg -r sluice failed"
[ ! -e /usr/bin/sluice ] || fail "/usr/bin/sluice is still there after dpkg -r"
[ ! -e /lib/systemd/system/sluice-mediator.service ] || fail "the units are still there after dpkg -r"
[ -e /etc/sluice/mediator.hcl ] || fail "dpkg -r deleted the conffile /etc/sluice/mediator.hcl"
dpkg -P sluice >/dev/null || fail "dpkg -P sluice failed"
[ ! -e /etc/sluice/mediator.hcl ] || fail "/etc/sluice/mediator.hcl is still there after dpkg -P"
[ "$had_etc" = yes ] || [ ! -e /etc/sluice ] || fail "/etc/sluice is still there after dpkg -P: $(find /etc/sluice | head -5)"
[ "$(cat /var/lib/sluice/mediator/marker 2>/dev/null)" = keep ] || fail "removing the package deleted /var/lib/sluice"

# make install into a DESTDIR: the units point at $PREFIX/bin, an existing
# config is kept.
destdir=$(mktemp -d)
make -s install PREFIX=/usr/local DESTDIR="$destdir" >/dev/null
[ -x "$destdir/usr/local/bin/sluice" ] || fail "make install: no $destdir/usr/local/bin/sluice"
grep -q '^ExecStart=/usr/local/bin/sluice mediator -config /etc/sluice/mediator.hcl$' "$destdir/usr/local/lib/systemd/system/sluice-mediator.service" ||
	fail "make install: the mediator unit does not start /usr/local/bin/sluice"
echo '# edited' >"$destdir/etc/sluice/agent.hcl"
make -s install PREFIX=/usr/local DESTDIR="$destdir" >/dev/null
[ "$(cat "$destdir/etc/sluice/agent.hcl")" = '# edited' ] || fail "make install overwrote an existing config"

echo "package-check: ok ($deb: contents, lintian, install, version, config validate, systemd-analyze verify, remove, purge; make install) in $(($(date +%s) - start))s"
