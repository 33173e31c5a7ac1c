#!/bin/sh
# The image's root filesystem, made in the Dockerfile's rootfs stage from its BASE (a Debian image with Node.js 22 and
# apt): glibc, the C++ runtime, dash as /bin/sh, iproute2 (`ip`) and tcpdump, unpacked from their Debian packages
# (dpkg -x: no apt, no dpkg, no maintainer scripts), with the packages of every library they load; BASE's node binary,
# stripped, and its nsenter alone (util-linux's: packet capture runs `nsenter --net=... tcpdump`). About 25 MB before
# node. Then the users (root; nsatlas, 10001, for the dashboard or hub; tcpdump, which tcpdump drops to) and the
# folders the app writes to.
#   sh runtime-rootfs.sh <rootfs> <nsatlas wrapper>
set -eu
ROOTFS=$1
WRAPPER=$2
export DEBIAN_FRONTEND=noninteractive

apt-get update -qq
apt-get install -y -qq --no-install-recommends iproute2 tcpdump binutils >/dev/null
NODE=$(command -v node)
BINARIES="$NODE /bin/ip /usr/bin/tcpdump /bin/dash /usr/bin/nsenter"

# The package that ships a library: dpkg knows it by the path it ships (/lib or /usr/lib; bookworm merges the two).
owner() {
  for candidate in "$1" "/usr$1" "${1#/usr}"; do
    found=$(dpkg-query --search "$candidate" 2>/dev/null | grep -v '^diversion' | head -n 1 | cut -d: -f1) || true
    if [ -n "$found" ]; then
      echo "$found"
      return
    fi
  done
  echo "runtime-rootfs: no Debian package ships $1" >&2
  exit 1
}

packages="libc6 dash iproute2 tcpdump"
for library in $(ldd $BINARIES | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// && $1 !~ /:$/ { print $1 }' | sort -u); do
  packages="$packages $(owner "$library")"
done
packages=$(echo "$packages" | tr ' ' '\n' | sort -u | tr '\n' ' ')
echo "runtime-rootfs: $packages"

mkdir -p /tmp/debs "$ROOTFS"
cd /tmp/debs
apt-get download $packages >/dev/null 2>&1 || apt-get download $packages
for deb in *.deb; do dpkg -x "$deb" "$ROOTFS"; done
cd /
rm -rf /tmp/debs "$ROOTFS/usr/share/doc" "$ROOTFS/usr/share/man" "$ROOTFS/usr/share/info" "$ROOTFS/usr/share/locale" \
  "$ROOTFS/usr/share/lintian" "$ROOTFS/usr/share/bug" "$ROOTFS/etc/apparmor.d"

mkdir -p "$ROOTFS/usr/local/bin"
strip -o "$ROOTFS/usr/local/bin/node" "$NODE"
install -m 755 /usr/bin/nsenter "$ROOTFS/usr/bin/nsenter"
install -m 755 "$WRAPPER" "$ROOTFS/usr/local/bin/nsatlas"
ln -sf dash "$ROOTFS/bin/sh"

cat >"$ROOTFS/etc/passwd" <<'END'
root:x:0:0:root:/root:/bin/sh
nsatlas:x:10001:10001:nsatlas:/home/nsatlas:/bin/sh
tcpdump:x:101:101:tcpdump:/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
END
cat >"$ROOTFS/etc/group" <<'END'
root:x:0:
nsatlas:x:10001:
tcpdump:x:101:
nogroup:x:65534:
END
printf 'passwd: files\ngroup: files\nshadow: files\nhosts: files dns\nnetworks: files\nprotocols: files\nservices: files\n' >"$ROOTFS/etc/nsswitch.conf"
echo 'include /etc/ld.so.conf.d/*.conf' >"$ROOTFS/etc/ld.so.conf"
ldconfig -r "$ROOTFS"

mkdir -p "$ROOTFS/tmp" "$ROOTFS/run" "$ROOTFS/var/lib/nsatlas" "$ROOTFS/root" "$ROOTFS/home/nsatlas"
chmod 1777 "$ROOTFS/tmp"
chmod 700 "$ROOTFS/root"
ln -sfn ../run "$ROOTFS/var/run"
# The history: the agent's root (uid 0, no CAP_DAC_OVERRIDE) writes through the group, the hub's nsatlas as owner.
chown 10001:0 "$ROOTFS/var/lib/nsatlas"
chmod 770 "$ROOTFS/var/lib/nsatlas"
chown 10001:10001 "$ROOTFS/home/nsatlas"

# It runs: node, ip and tcpdump find every library in the new root.
chroot "$ROOTFS" /usr/local/bin/node -e 'process.exit(0)'
chroot "$ROOTFS" /bin/ip -V >/dev/null
chroot "$ROOTFS" /usr/bin/tcpdump --version >/dev/null
chroot "$ROOTFS" /usr/bin/nsenter --version >/dev/null
echo "runtime-rootfs: $(du -sh "$ROOTFS" | cut -f1) in $ROOTFS"
