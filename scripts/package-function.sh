#!/usr/bin/env bash
# Builds one function module and lays it out as Lambda's java21 runtime loads a zip: lib/<function>.jar + lib/<deps>.jar.
# Called by the Makefile's build-<LogicalId> targets, which `sam build` runs (BuildMethod: makefile).
# usage: scripts/package-function.sh <module under functions/> <artifacts dir>
set -euo pipefail
module="$1"
out="$2"
cd "$(dirname "$0")/.."
. scripts/jdk.sh
mvn -B -ntp -q -DskipTests -pl "functions/$module" -am package
rm -rf "$out/lib"
mkdir -p "$out/lib"
cp "functions/$module/target/$module"-*.jar "functions/$module/target/lambda/lib/"*.jar "$out/lib/"
