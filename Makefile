# One command each, on a fresh machine: `make run` (the main job on built-in data), `make test`.
# Both install what is missing (scripts/setup.sh) and build in release mode.
SWIFT ?= swift
BIN = .build/release/perplex

.PHONY: setup setup-mpi build mpi run test lint example docs bench clean netns-check

setup:
	@bash scripts/setup.sh

setup-mpi:
	@bash scripts/setup.sh --mpi

build: setup
	$(SWIFT) build -c release

# The word-LM recipe (LSTM 2×200) on the built-in grammar corpus: a few minutes on 2 cores.
run: build
	$(BIN) train --epochs 20 --builtin-sentences 30000 --save runs/builtin --overwrite

# The data-parallel build (Open MPI) in its own scratch path, so it never invalidates .build.
mpi: setup-mpi
	PERPLEX_MPI=1 $(SWIFT) build -c release --scratch-path .build-mpi --product perplex

# The formatter's lint (.swift-format) first: a tree that `swift format` would change fails.
# Resident-memory tests measure the whole process, so they run on their own after the rest.
# DistributedTests run .build-mpi/release/perplex under mpirun (built by `mpi`).
# Then the two-namespace check where the machine allows network namespaces (root, iproute2, tc).
# Last, the example package against a tagged clone of HEAD (`make example`).
test: setup-mpi mpi lint
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip ResidentMemoryTests
	$(SWIFT) test -c release --filter ResidentMemoryTests
	@if command -v tc >/dev/null && ip netns add perplex-probe 2>/dev/null && ip netns del perplex-probe; then \
	    bash scripts/netns_check.sh; else echo "netns check skipped: no network namespaces here (root, iproute2, tc)"; fi
	SWIFT="$(SWIFT)" bash scripts/example_check.sh

# Two ranks in two network namespaces over a 1 Gbit/s link equal one process (root, iproute2; a
# few seconds). `test` runs it where namespaces can be made.
netns-check: mpi
	bash scripts/netns_check.sh

lint:
	$(SWIFT) format lint --strict --recursive --parallel Sources Tests

# Examples/TrainLSTM against a tagged clone of HEAD, Perplex required by version (as a user's package).
example: setup
	SWIFT="$(SWIFT)" bash scripts/example_check.sh

# DocC archives of the library targets in .build-docs/plugins/Swift-DocC/outputs; any warning fails.
# PERPLEX_DOCS=1 adds the DocC plugin to the package; Package.resolved is put back afterwards.
DOC_TARGETS = Train Tensor NN Text Models Formats Analysis
docs: setup
	@mkdir -p .build-docs && rm -f .build-docs/Package.resolved.saved
	@if [ -f Package.resolved ]; then cp Package.resolved .build-docs/Package.resolved.saved; fi
	@PERPLEX_DOCS=1 $(SWIFT) package --scratch-path .build-docs generate-documentation \
	    $(DOC_TARGETS:%=--target %) --disable-indexing >.build-docs/docs.log 2>&1; rc=$$?; \
	if [ -f .build-docs/Package.resolved.saved ]; then mv .build-docs/Package.resolved.saved Package.resolved; fi; \
	cat .build-docs/docs.log; [ $$rc -eq 0 ] || exit $$rc; \
	if grep -q "warning:" .build-docs/docs.log; then echo "docs: warnings above; make docs fails on any" >&2; exit 1; fi

bench: build
	$(BIN) bench kernels

clean:
	rm -rf .build .build-mpi .build-example .build-docs
