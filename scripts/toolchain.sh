#!/usr/bin/env bash
# The one toolchain step every command goes through. Source it (". scripts/toolchain.sh") or run it.
#  - selects a JDK >= 21: JAVA_HOME if new enough, else the newest under /usr/lib/jvm, else fails clearly;
#  - creates the pinned Python virtualenvs .venv/tools and .venv/checkov (idempotent: a stamp of the lock files
#    makes the second run take milliseconds);
#  - builds the pinned policy checker cfn-guard into .venv/cfn-guard with cargo (once; a stamp of the version makes
#    later runs skip it; cargo is needed only for that first build).
#  - defines costlink_toxiproxy, which builds the pinned latency/bandwidth proxy toxiproxy into .venv/toxiproxy with go
#    when first called (only the benchmarks and the wrapper's own test call it, so `make test` elsewhere never pays).
# Exports JAVA_HOME, PATH (JDK and .venv/tools first), COSTLINK_ROOT, CHECKOV, CFN_GUARD, TOXIPROXY_SERVER.

_costlink_fail() { echo "toolchain: $*" >&2; return 1 2>/dev/null || exit 1; }

COSTLINK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export COSTLINK_ROOT
. "$COSTLINK_ROOT/scripts/jdk.sh" || return 1 2>/dev/null || exit 1

_make_venv() { # name requirements lock
  local venv="$COSTLINK_ROOT/.venv/$1" req="$COSTLINK_ROOT/requirements/$2" lock="$COSTLINK_ROOT/requirements/$3"
  local want; want="$(cat "$req" "$lock" | sha256sum | cut -c1-16)"
  if [ -f "$venv/.stamp" ] && [ "$(cat "$venv/.stamp")" = "$want" ]; then return 0; fi
  echo "toolchain: installing $1 tools into .venv/$1 (one time)..." >&2
  local py; py="$(command -v python3.11 || command -v python3)" || _costlink_fail "python3 not found" || return 1
  rm -rf "$venv"
  "$py" -m venv "$venv" || _costlink_fail "cannot create virtualenv $venv" || return 1
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req" -c "$lock" \
    || _costlink_fail "pip install into .venv/$1 failed" || return 1
  echo "$want" > "$venv/.stamp"
}

COSTLINK_CFN_GUARD_VERSION=3.2.1

_install_cfn_guard() { # crates.io publishes no binary; cargo builds it from the crate's own Cargo.lock (--locked).
  local root="$COSTLINK_ROOT/.venv/cfn-guard" want="cfn-guard $COSTLINK_CFN_GUARD_VERSION"
  if [ -x "$root/bin/cfn-guard" ] && [ "$(cat "$root/.stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  command -v cargo >/dev/null \
    || _costlink_fail "cargo not found: $want is built from crates.io with it. Install Rust (https://rustup.rs, or 'apt-get install cargo'), put cargo on PATH and rerun." \
    || return 1
  echo "toolchain: building $want into .venv/cfn-guard (one time, several minutes)..." >&2
  local partial="$root.partial.$$"
  rm -rf "$partial"
  cargo install --quiet --locked --version "=$COSTLINK_CFN_GUARD_VERSION" --root "$partial" cfn-guard \
    || { rm -rf "$partial"; _costlink_fail "cargo install cfn-guard $COSTLINK_CFN_GUARD_VERSION failed"; } || return 1
  echo "$want" > "$partial/.stamp"
  rm -rf "$root" && mv "$partial" "$root"
}

COSTLINK_TOXIPROXY_VERSION=v2.12.0
export TOXIPROXY_SERVER="$COSTLINK_ROOT/.venv/toxiproxy/bin/toxiproxy-server"

# The Go module proxy serves source only; go builds the server from the module's own go.sum (checked against
# sum.golang.org). Once: a stamp of the version makes later calls return at once.
costlink_toxiproxy() {
  local root="$COSTLINK_ROOT/.venv/toxiproxy" want="toxiproxy $COSTLINK_TOXIPROXY_VERSION"
  if [ -x "$root/bin/toxiproxy-server" ] && [ "$(cat "$root/.stamp" 2>/dev/null)" = "$want" ]; then return 0; fi
  command -v go >/dev/null \
    || _costlink_fail "go not found: $want is built from the Go module proxy with it. Install Go >= 1.22 (https://go.dev/dl, or 'apt-get install golang'), put go on PATH and rerun." \
    || return 1
  echo "toolchain: building $want into .venv/toxiproxy (one time, about a minute)..." >&2
  local partial="$root.partial.$$"
  rm -rf "$partial" && mkdir -p "$partial/bin"
  GOBIN="$partial/bin" go install "github.com/Shopify/toxiproxy/v2/cmd/server@$COSTLINK_TOXIPROXY_VERSION" \
    || { rm -rf "$partial"; _costlink_fail "go install toxiproxy $COSTLINK_TOXIPROXY_VERSION failed"; } || return 1
  mv "$partial/bin/server" "$partial/bin/toxiproxy-server"
  echo "$want" > "$partial/.stamp"
  rm -rf "$root" && mv "$partial" "$root"
}

_make_venv tools tools.txt tools.lock || return 1 2>/dev/null || exit 1
_make_venv checkov checkov.txt checkov.lock || return 1 2>/dev/null || exit 1
_install_cfn_guard || return 1 2>/dev/null || exit 1

export CHECKOV="$COSTLINK_ROOT/.venv/checkov/bin/checkov"
export CFN_GUARD="$COSTLINK_ROOT/.venv/cfn-guard/bin/cfn-guard"
case ":$PATH:" in
  *":$COSTLINK_ROOT/.venv/tools/bin:"*) ;;
  *) export PATH="$COSTLINK_ROOT/.venv/tools/bin:$PATH" ;;
esac
# sam must never try to phone home or prompt during scripted runs.
export SAM_CLI_TELEMETRY=0
unset -f _make_venv _install_cfn_guard
