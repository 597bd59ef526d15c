#!/usr/bin/env bash
# The main job, locally and whole: builds the functions and both stacks, shows what the connection stack creates for
# the scenario, then deploys both stacks into the local AWS and runs the story end to end (costlink demo). The exit
# status is the story's: 0 only if every step did what it should.
# usage: scripts/demo.sh [NewBucketNewExport|ExistingBucketNewExport|ExistingBucketExistingExport|LinkedAccount|Organization]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
scenario="${1:-NewBucketNewExport}"
case "$scenario" in
  NewBucketNewExport|ExistingBucketNewExport) plan=(--scenario "$scenario" --carbon) ;;
  ExistingBucketExistingExport|LinkedAccount) plan=(--scenario "$scenario") ;;
  Organization) plan=(--scenario NewBucketNewExport --carbon --org-targets ou-abcd-12345678) ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac
echo "== Building the functions (Maven, JDK at $JAVA_HOME)"
mvn -B -ntp -q -DskipTests package
echo "== sam build (no Docker): the connection stack and the vendor stack"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
sam build --region us-east-1 >"$log" 2>&1 || { cat "$log"; exit 1; }
sam build --config-env vendor >"$log" 2>&1 || { cat "$log"; exit 1; }
echo "   built into .aws-sam/build and .aws-sam/vendor"
echo "== What the connection stack creates for $scenario (./costlink plan ${plan[*]})"
./costlink plan "${plan[@]}"
echo
echo "== The main job on the local AWS"
./costlink demo --scenario "$scenario"
