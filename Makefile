# CostLink. The two commands of the README:
#   make demo   builds everything and runs the main job locally
#   make test   runs every test and quality gate
# Both install what they need (JDK selection, pinned Python tools in .venv/) through scripts/toolchain.sh.
SHELL := /bin/bash
# make demo SCENARIO=NewBucketNewExport|ExistingBucketNewExport|ExistingBucketExistingExport|LinkedAccount|Organization
SCENARIO ?= NewBucketNewExport

.PHONY: demo test build bench clean
demo:
	@scripts/demo.sh $(SCENARIO)

test:
	@scripts/test.sh

build:
	@. scripts/toolchain.sh && sam build

# make bench [BENCH_ARGS="--rounds 9"]: builds what it runs, measures, writes the tables into docs/performance.md.
bench:
	@. scripts/toolchain.sh && python bench/run_all.py $(BENCH_ARGS)

clean:
	rm -rf .aws-sam out functions/*/target

# sam build targets (BuildMethod: makefile; samconfig.toml builds in source so Maven sees the parent POM).
build-ConnectionCallbackFunction:
	scripts/package-function.sh connection-callback "$(ARTIFACTS_DIR)"

build-DeliveryDetectorFunction:
	scripts/package-function.sh delivery-detector "$(ARTIFACTS_DIR)"

build-RegistryFunction:
	scripts/package-function.sh registry-endpoint "$(ARTIFACTS_DIR)"

build-VerifierScheduleFunction:
	scripts/package-function.sh verifier "$(ARTIFACTS_DIR)"

build-VerifierWorkerFunction:
	scripts/package-function.sh verifier "$(ARTIFACTS_DIR)"
