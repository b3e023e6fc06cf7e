#!/bin/sh
# Installs the skiff executable for this machine.
#
#   curl -fsSL https://github.com/skiff-pm/skiff/releases/latest/download/install.sh | sh
#   curl -fsSL https://github.com/skiff-pm/skiff/releases/latest/download/install.sh | sh -s -- --version 0.1.0
#
# SKIFF_DOWNLOAD_URL  a folder laid out as a release (skiff-<target>.tar.gz, SHA256SUMS);
#                     default: the GitHub release of --version, else the latest release
# SKIFF_INSTALL_DIR   where the executable goes (default: ~/.skiff/bin)
#
# The archive is checked against SHA256SUMS before anything is installed; a binary that could
# not start here (unknown platform, Alpine without libstdc++) is never installed.
set -eu

repo="skiff-pm/skiff"
version=""

fail() {
  printf 'skiff install: %s\n' "$1" >&2
  [ -z "${2:-}" ] || printf '  %s\n' "$2" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || fail "--version needs a version, e.g. --version 0.1.0"; version="${2#v}"; shift 2 ;;
    --version=*) version="${1#--version=}"; version="${version#v}"; shift ;;
    -h|--help) printf 'usage: install.sh [--version X.Y.Z]\n  SKIFF_DOWNLOAD_URL: a folder laid out as a release; SKIFF_INSTALL_DIR: where skiff goes (~/.skiff/bin)\n'; exit 0 ;;
    *) fail "unknown argument: $1" "usage: install.sh [--version X.Y.Z]" ;;
  esac
done

# --- this machine: os, cpu, C library ---------------------------------------------------------
os_name=$(uname -s)
cpu_name=$(uname -m)
case "$os_name" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW*|MSYS*|CYGWIN*|Windows_NT) fail "Windows: download skiff-windows-x64.zip from the release page and put skiff.exe on PATH" ;;
  *) fail "no skiff build for this operating system: $os_name ($cpu_name)" "builds exist for Linux (x64, arm64; glibc or musl), macOS (x64, arm64) and Windows (x64)" ;;
esac
case "$cpu_name" in
  x86_64|amd64) cpu=x64 ;;
  aarch64|arm64) cpu=arm64 ;;
  *) fail "no skiff build for this CPU: $cpu_name ($os_name)" "builds exist for x64 and arm64" ;;
esac
# an x64 shell on Apple silicon (Rosetta) gets the native build
if [ "$os" = darwin ] && [ "$cpu" = x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || true)" = 1 ]; then
  cpu=arm64
fi

is_musl() {
  ldd_says=$(ldd --version 2>&1 || true)
  case "$ldd_says" in
    *musl*) return 0 ;;
    *GNU*|*GLIBC*|*glibc*) return 1 ;;
  esac
  for loader in /lib/ld-musl-*.so.1; do
    [ -e "$loader" ] && return 0
  done
  return 1
}

# The musl build links libstdc++ and libgcc dynamically: without them it dies at start with
# "Error relocating ... symbol not found". musl's loader searches LD_LIBRARY_PATH, the folders in
# /etc/ld-musl-<arch>.path, else /lib, /usr/local/lib and /usr/lib.
musl_has_lib() {
  lib_dirs=$(cat /etc/ld-musl-*.path 2>/dev/null || true)
  [ -n "$lib_dirs" ] || lib_dirs="/lib /usr/local/lib /usr/lib"
  for dir in $(printf '%s' "${LD_LIBRARY_PATH:-}" | tr ':' ' ') $(printf '%s' "$lib_dirs" | tr ':' ' '); do
    [ -e "$dir/$1" ] && return 0
  done
  return 1
}

target="$os-$cpu"
if [ "$os" = linux ] && is_musl; then
  target="$target-musl"
  missing=""
  for lib in libstdc++.so.6 libgcc_s.so.1; do
    musl_has_lib "$lib" || missing="$missing $lib"
  done
  [ -z "$missing" ] || fail "skiff for musl (Alpine) needs$missing, which this system lacks" "install them first: apk add libstdc++ libgcc"
fi

# --- download and verify ------------------------------------------------------------------------
if [ -n "${SKIFF_DOWNLOAD_URL:-}" ]; then
  base="${SKIFF_DOWNLOAD_URL%/}"
elif [ -n "$version" ]; then
  base="https://github.com/$repo/releases/download/v$version"
else
  base="https://github.com/$repo/releases/latest/download"
fi
archive="skiff-$target.tar.gz"

if command -v curl >/dev/null 2>&1; then
  download() { curl --fail --silent --show-error --location --retry 2 --output "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  download() { wget --quiet --tries=3 --output-document="$2" "$1"; }
else
  fail "neither curl nor wget is installed" "install one of them (apk add curl, apt-get install curl) and run this again"
fi

if command -v sha256sum >/dev/null 2>&1; then
  sha256() { sha256sum "$1" | cut -d ' ' -f 1; }
elif command -v shasum >/dev/null 2>&1; then
  sha256() { shasum -a 256 "$1" | cut -d ' ' -f 1; }
else
  fail "no sha256sum or shasum to check the download with"
fi

work=$(mktemp -d 2>/dev/null || mktemp -d -t skiff)
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

printf 'downloading %s\n' "$base/$archive"
download "$base/$archive" "$work/$archive" || fail "could not download $base/$archive"
download "$base/SHA256SUMS" "$work/SHA256SUMS" || fail "could not download $base/SHA256SUMS"
wanted=$(awk -v name="$archive" '$2 == name || $2 == "*" name { print $1; exit }' "$work/SHA256SUMS")
[ -n "$wanted" ] || fail "SHA256SUMS from $base has no line for $archive"
found=$(sha256 "$work/$archive")
[ "$found" = "$wanted" ] || fail "$archive does not match SHA256SUMS (expected sha256 $wanted, got $found); nothing was installed" "the download was changed or cut short: run this again, and report it if it happens twice"

tar -xzf "$work/$archive" -C "$work" || fail "could not unpack $archive"
new="$work/skiff-$target/skiff"
[ -f "$new" ] || fail "$archive holds no skiff-$target/skiff"
new_version=$("$new" --version 2>&1) || fail "the downloaded skiff does not start here: $new_version"

# --- install --------------------------------------------------------------------------------------
dir="${SKIFF_INSTALL_DIR:-$HOME/.skiff/bin}"
mkdir -p "$dir" || fail "could not create $dir"
old_version=""
[ ! -x "$dir/skiff" ] || old_version=$("$dir/skiff" --version 2>/dev/null || true)
# copied beside the old one, then renamed over it: a running skiff keeps its file, and an
# interrupted install leaves the old one whole
if ! { cp "$new" "$dir/.skiff-new.$$" && chmod 755 "$dir/.skiff-new.$$" && mv -f "$dir/.skiff-new.$$" "$dir/skiff"; }; then
  rm -f "$dir/.skiff-new.$$"
  fail "could not write $dir/skiff"
fi

if [ -n "$old_version" ] && [ "$old_version" != "$new_version" ]; then
  printf 'skiff %s installed in %s (was %s)\n' "$new_version" "$dir" "$old_version"
elif [ -n "$old_version" ]; then
  printf 'skiff %s installed in %s (reinstalled)\n' "$new_version" "$dir"
else
  printf 'skiff %s installed in %s\n' "$new_version" "$dir"
fi
# shellcheck disable=SC2016 # $PATH is printed for the user's profile, not expanded here
case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) printf 'add it to PATH (e.g. in ~/.profile):\n  export PATH="%s:$PATH"\n' "$dir" ;;
esac
