#!/bin/sh
# Builds a cloud-init NoCloud seed ISO: volume label "cidata" holding user-data, meta-data and
# (optionally) network-config. Terraform runs it at apply time, because the seed carries the
# cluster CA and bootstrap token, which exist only once Terraform has generated them.
#
#   usage: build-seed-iso.sh <seed-dir> <output.iso>
#
# Why host tools, and why these: no npm package writes ISO 9660, and plain ISO 9660 names are 8.3
# upper case (user-data would become USER_DAT), which cloud-init does not find. The image needs
# Rock Ridge (what Linux mounts by default) and Joliet (Windows, macOS), and the label cidata.
# Rock Ridge is written "rationalized" (-r, not -rock): every file is owned by root (uid/gid 0) with
# read-only modes, instead of recording the host user's uid, which is the guest's first user.
# Tried in this order, first found wins:
#   xorriso -as mkisofs   Debian/Ubuntu package "xorriso"; macOS: brew install xorriso
#   genisoimage           Debian/Ubuntu package "genisoimage" (cloud-localds uses it too)
#   mkisofs               cdrtools (older distributions, MSYS2/Cygwin on Windows)
#   hdiutil makehybrid    built into macOS (Joliet; no Rock Ridge, which cloud-init does not need there)
# SEED_ISO_TOOL=<one of the names above> forces one tool (the tests use it to cover each).
set -eu

if [ "$#" -ne 2 ]; then
  echo "usage: $0 <seed-dir> <output.iso>" >&2
  exit 2
fi
dir=$1
iso=$2
# The seed carries the CA key and token: the ISO (and any folder made for it) is owner-only.
umask 077

for f in user-data meta-data; do
  if [ ! -f "$dir/$f" ]; then
    echo "build-seed-iso: $dir/$f is missing" >&2
    exit 1
  fi
done
# The positional parameters become the file list (POSIX sh has no arrays; this keeps paths with spaces intact).
set -- "$dir/user-data" "$dir/meta-data"
if [ -f "$dir/network-config" ]; then
  set -- "$@" "$dir/network-config"
fi

have() {
  if [ -n "${SEED_ISO_TOOL:-}" ] && [ "$SEED_ISO_TOOL" != "$1" ]; then
    return 1
  fi
  command -v "$1" >/dev/null 2>&1
}

# Write next to the target, then rename: a half-written ISO never sits at the final path.
mkdir -p "$(dirname "$iso")"
tmp="$iso.tmp.$$.iso"
trap 'rm -f "$tmp"' EXIT INT TERM

if have xorriso; then
  xorriso -as mkisofs -quiet -output "$tmp" -volid cidata -joliet -r "$@"
elif have genisoimage; then
  genisoimage -quiet -output "$tmp" -volid cidata -joliet -r "$@"
elif have mkisofs; then
  mkisofs -quiet -output "$tmp" -volid cidata -joliet -r "$@"
elif have hdiutil; then
  stage=$(mktemp -d)
  cp "$@" "$stage/"
  hdiutil makehybrid -quiet -o "$tmp" -iso -joliet -default-volume-name cidata "$stage"
  rm -rf "$stage"
else
  echo "build-seed-iso: no ISO tool found${SEED_ISO_TOOL:+ (SEED_ISO_TOOL=$SEED_ISO_TOOL)}." >&2
  echo "  Install one: Debian/Ubuntu: sudo apt-get install xorriso (or genisoimage);" >&2
  echo "  Fedora/RHEL: sudo dnf install xorriso; macOS: hdiutil is built in (or brew install xorriso);" >&2
  echo "  Windows: run from Git Bash or WSL with xorriso, genisoimage or mkisofs on PATH." >&2
  exit 1
fi

mv -f "$tmp" "$iso"
trap - EXIT INT TERM
echo "build-seed-iso: wrote $iso"
