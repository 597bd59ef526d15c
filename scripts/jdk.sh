#!/usr/bin/env bash
# JDK selection, shared by every command (source it): JAVA_HOME if it is a JDK >= 21, else the newest JDK >= 21 under
# /usr/lib/jvm (or $COSTLINK_JVM_DIR), else a clear error. Exports JAVA_HOME, MAVEN_OPTS and puts the JDK first on PATH.

_costlink_fail() { echo "toolchain: $*" >&2; return 1 2>/dev/null || exit 1; }

COSTLINK_MIN_JAVA=21

_java_major() { # prints the feature version of the JDK at $1, or nothing
  local rel="$1/release"
  [ -x "$1/bin/javac" ] && [ -f "$rel" ] || return 0
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$rel"
}

_select_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then
    local v; v="$(_java_major "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge "$COSTLINK_MIN_JAVA" ]; then echo "$JAVA_HOME"; return 0; fi
  fi
  local best="" bestv=0 d v
  for d in "${COSTLINK_JVM_DIR:-/usr/lib/jvm}"/*; do
    [ -d "$d" ] && [ ! -L "$d" ] || continue
    v="$(_java_major "$d")"
    if [ -n "$v" ] && [ "$v" -ge "$COSTLINK_MIN_JAVA" ] && [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  [ -n "$best" ] && echo "$best"
}

_jdk="$(_select_jdk)" || true
[ -n "$_jdk" ] || _costlink_fail "no JDK >= ${COSTLINK_MIN_JAVA} found (JAVA_HOME='${JAVA_HOME:-}' is unset or older, and none under ${COSTLINK_JVM_DIR:-/usr/lib/jvm}). Install one, e.g. 'apt-get install openjdk-21-jdk-headless' or Temurin 21+, or point JAVA_HOME at it." || return 1 2>/dev/null || exit 1
export JAVA_HOME="$_jdk"
# Maven 3.8's bundled Guice/Guava call sun.misc.Unsafe; JDK 24+ warns on every run unless told this is known.
if [ "$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release")" -ge 24 ]; then
  case " ${MAVEN_OPTS:-} " in *sun-misc-unsafe*) ;; *) export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" ;; esac
fi
case ":$PATH:" in *":$JAVA_HOME/bin:"*) ;; *) export PATH="$JAVA_HOME/bin:$PATH" ;; esac
unset -f _java_major _select_jdk
