#!/bin/sh
# Assembles the root file system of the worker's container image, which Jib layers on "scratch"
# with the application: a Java runtime cut with jlink to the modules tq uses, and the C libraries
# that runtime links against, taken from the build machine. Needs no Docker engine and no base
# image from a registry.
#
#   rootfs.sh OUT JDK
#
# OUT is emptied first; JDK is the JDK whose jlink builds the runtime (the one running Maven).
set -eu
out=$1
jdk=$2
modules=java.base,java.logging,java.management,java.naming,java.security.sasl,java.sql,java.xml,java.desktop,\
java.net.http,jdk.management,jdk.unsupported,jdk.httpserver,jdk.crypto.ec,jdk.jfr

if [ ! -x "$jdk/bin/jlink" ]; then
  echo "rootfs.sh: $jdk has no bin/jlink: build with a full JDK (JAVA_HOME), not a JRE" >&2
  exit 1
fi
rm -rf "$out"
mkdir -p "$out/opt" "$out/tmp" "$out/proc" "$out/sys" "$out/dev"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --output "$out/opt/java"

# the shared libraries the runtime needs, and the dynamic loader, at the paths they have here
# (the desktop module is in for java.beans only: its graphics libraries are left out)
libs=$(for f in "$out/opt/java/bin/java" "$out/opt/java/lib/server/libjvm.so" "$out"/opt/java/lib/libjli.so \
    "$out"/opt/java/lib/libjava.so "$out"/opt/java/lib/libnet.so "$out"/opt/java/lib/libnio.so \
    "$out"/opt/java/lib/libzip.so "$out"/opt/java/lib/libmanagement*.so "$out"/opt/java/lib/libverify.so; do
  ldd "$f" 2>/dev/null || true
done | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u)
if [ -z "$libs" ]; then
  echo "rootfs.sh: ldd found no C libraries for $out/opt/java/bin/java" >&2
  exit 1
fi
for lib in $libs; do
  case "$lib" in
    "$out"/*) continue ;; # the runtime's own
  esac
  mkdir -p "$out$(dirname "$lib")"
  cp -L "$lib" "$out$lib"
done
# the runtime's own libraries are found through its lib directory; hosts and DNS come from the
# container runtime (/etc/hosts, /etc/resolv.conf), which glibc reads without NSS modules
echo "root:x:0:0:root:/root:/sbin/nologin" > "$out/etc.passwd.tmp"
mkdir -p "$out/etc"
mv "$out/etc.passwd.tmp" "$out/etc/passwd"
echo "rootfs.sh: $(du -sh "$out" | cut -f1) in $out"
