#!/usr/bin/env bash
# The main job, locally: builds the functions and both stacks, shows what the connection stack creates for one
# scenario, then runs the loop end to end: tenant onboarding, the callback on create/update/delete, a delivery, the
# registry.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
scenario="${1:-NewBucketNewExport}"
echo "== Building the functions (Maven, JDK at $JAVA_HOME)"
mvn -B -ntp -q -DskipTests install
echo "== sam build (no Docker): the connection stack and the vendor stack"
sam build --region us-east-1 >/dev/null
sam build --config-env vendor >/dev/null
echo "   built into .aws-sam/build and .aws-sam/vendor"
echo "== What the connection stack creates for $scenario"
extra=()
[ "$scenario" = "LinkedAccount" ] || extra=(--carbon)
./costlink plan --scenario "$scenario" "${extra[@]}"
echo
echo "== End to end: onboarding, connection callback, delivery detector, registry (Lambda emulator + moto)"
./costlink demo
