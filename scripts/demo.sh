#!/usr/bin/env bash
# The main job, locally: builds the functions and the stack, shows what the stack creates for one scenario, then runs
# the connection callback end to end for a stack's create, update and delete.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
scenario="${1:-NewBucketNewExport}"
echo "== Building the functions (Maven, JDK at $JAVA_HOME)"
mvn -B -ntp -q -DskipTests install
echo "== sam build (no Docker)"
sam build --region us-east-1 >/dev/null
echo "   built into .aws-sam/build"
echo "== What the connection stack creates for $scenario"
extra=()
[ "$scenario" = "LinkedAccount" ] || extra=(--carbon)
./costlink plan --scenario "$scenario" "${extra[@]}"
echo
echo "== The connection callback, end to end (Lambda emulator + local AWS emulator + local vendor)"
./costlink demo
