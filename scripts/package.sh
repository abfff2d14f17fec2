#!/usr/bin/env bash
# Builds the .deb and .rpm packages into dist/ (make package): for each
# GOARCH in ARCHS, the binary (cgo: SQLite with FTS5; cross-compiled with
# a cross C compiler, e.g. gcc-aarch64-linux-gnu for arm64), the man page
# and Debian changelog, then nfpm with packaging/nfpm.yaml.
#
# Environment: NFPM (the pinned nfpm binary), VERSION (git describe, for
# `sluice version`), ARCHS (default "amd64 arm64"), FORMATS (default
# "deb rpm").
set -euo pipefail
cd "$(dirname "$0")/.."
: "${NFPM:?set NFPM to the nfpm binary (make package does)}"
: "${VERSION:=$(git describe --tags --always --dirty 2>/dev/null || echo dev)}"
ARCHS=${ARCHS:-amd64 arm64}
FORMATS=${FORMATS:-deb rpm}
# -trimpath unless TRIMPATH is set (empty: make package-check, whose build
# then reuses make build's cache).
TRIMPATH=${TRIMPATH--trimpath}

# Package versions must start with a digit and order: a tag v1.2.3 is
# 1.2.3, a commit after it 1.2.3+git4.abcdef0, a commit before any tag
# 0.0.0~git<sha> (~ sorts before the first release).
pkg_version() {
	local v=${VERSION%-dirty}
	if [[ $v =~ ^v?([0-9]+\.[0-9]+\.[0-9]+)(-([0-9]+)-g([0-9a-f]+))?$ ]]; then
		if [ -n "${BASH_REMATCH[3]}" ]; then
			echo "${BASH_REMATCH[1]}+git${BASH_REMATCH[3]}.${BASH_REMATCH[4]}"
		else
			echo "${BASH_REMATCH[1]}"
		fi
	else
		echo "0.0.0~git$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
	fi
}
export PKG_VERSION
PKG_VERSION=$(pkg_version)

# The C cross compiler for a GOARCH that is not this machine's.
cross_cc() {
	case "$1" in
		"$(go env GOHOSTARCH)") echo "${CC:-gcc}" ;;
		arm64) echo aarch64-linux-gnu-gcc ;;
		amd64) echo x86_64-linux-gnu-gcc ;;
		*) echo "package.sh: no C cross compiler known for $1" >&2; return 1 ;;
	esac
}

# Dated by the commit, not the build: the same commit makes the same files.
date_epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
mkdir -p dist
rm -f dist/sluice_*.deb dist/sluice-*.rpm
for arch in $ARCHS; do
	export ARCH=$arch STAGE=dist/stage/linux_$arch
	cc=$(cross_cc "$arch")
	command -v "$cc" >/dev/null || { echo "package.sh: $cc not found (apt-get install gcc-aarch64-linux-gnu for arm64)" >&2; exit 1; }
	mkdir -p "$STAGE"
	# Stripped (-s -w): the package is for running, not debugging.
	GOOS=linux GOARCH=$arch CGO_ENABLED=1 CC=$cc \
		go build $TRIMPATH -ldflags "-s -w -X main.version=$VERSION" -o "$STAGE/sluice" .
	gzip -9n <packaging/doc/sluice.1 >"$STAGE/sluice.1.gz"
	{
		echo "sluice ($PKG_VERSION-1) unstable; urgency=medium"
		echo
		echo "  * Sluice $VERSION, built from git $(git rev-parse --short HEAD 2>/dev/null || echo unknown)."
		echo
		echo " -- The Sluice Authors <sluice@sluicehq.dev>  $(LC_ALL=C date -u -R -d "@$date_epoch")"
	} | gzip -9n >"$STAGE/changelog.gz"
	# nfpm expands ${ARCH} and ${PKG_VERSION} itself, but not in contents.
	sed "s|\${STAGE}|$STAGE|g" packaging/nfpm.yaml >"$STAGE/nfpm.yaml"
	for f in $FORMATS; do
		SOURCE_DATE_EPOCH=$date_epoch "$NFPM" package --config "$STAGE/nfpm.yaml" --packager "$f" --target dist/
	done
done
ls -l dist/*.deb dist/*.rpm 2>/dev/null | grep -E '\.(deb|rpm)$' || true
