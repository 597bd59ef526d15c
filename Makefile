# CostLink. The two commands of the README:
#   make demo   builds everything and runs the main job locally
#   make test   runs every test and quality gate
# Both install what they need (JDK selection, pinned Python tools in .venv/) through scripts/toolchain.sh.
SHELL := /bin/bash
# make demo SCENARIO=NewBucketNewExport|ExistingBucketNewExport|ExistingBucketExistingExport|LinkedAccount|Organization
SCENARIO ?= NewBucketNewExport

.PHONY: demo test build bench bench-network clean
demo:
	@scripts/demo.sh $(SCENARIO)

test:
	@scripts/test.sh

build:
	@. scripts/toolchain.sh && sam build

# make bench [BENCH_ARGS="--rounds 9"]: builds what it runs (toxiproxy on first use), measures every benchmark (cold
# starts, then the network ones below), writes the tables into docs/performance.md.
bench:
	@. scripts/toolchain.sh && costlink_toxiproxy && python bench/run_all.py $(BENCH_ARGS)

# Throughput and latency under injected network latency and bandwidth (toxiproxy, built on first use): the verifier
# worker sequential vs concurrent, the delivery detector vs a naive validator, the registry's warm latency. Each
# writes its table into docs/performance.md. About 10 minutes on 2 cores.
bench-network:
	@. scripts/toolchain.sh && costlink_toxiproxy \
	  && mvn -B -ntp -q -pl tools/lambda-runtime -am package -DskipTests \
	  && sam build && sam build --config-env vendor \
	  && python bench/verifier_throughput.py \
	  && python bench/delivery_reads.py --latency-ms 30 --bandwidth-mb-s 100 --files 300 \
	  && python bench/registry_latency.py

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
