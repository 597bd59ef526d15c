#!/usr/bin/env bash
# Every test and quality gate: Java unit tests (Maven), then the Python suite (template model, permission sets,
# cfn-lint, sam validate --lint, checkov, sam build, functions under the Runtime Interface Emulator).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/toolchain.sh
echo "== Java unit tests"
mvn -B -ntp -q install
echo "== Python suite"
python -m pytest -ra tests "$@"
