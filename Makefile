# One command each, on a fresh machine: `make run` (the main job on built-in data), `make test`.
# Both install what is missing (scripts/setup.sh) and build in release mode.
SWIFT ?= swift
BIN = .build/release/perplex

.PHONY: setup setup-mpi build mpi run test bench clean

setup:
	@bash scripts/setup.sh

setup-mpi:
	@bash scripts/setup.sh --mpi

build: setup
	$(SWIFT) build -c release

# The word-LM recipe (LSTM 2×200) on the built-in grammar corpus: a few minutes on 2 cores.
run: build
	$(BIN) train --epochs 20 --builtin-sentences 30000 --save runs/builtin

# The data-parallel build (Open MPI) in its own scratch path, so it never invalidates .build.
mpi: setup-mpi
	PERPLEX_MPI=1 $(SWIFT) build -c release --scratch-path .build-mpi --product perplex

# Resident-memory tests measure the whole process, so they run on their own after the rest.
# DistributedTests run .build-mpi/release/perplex under mpirun (built by `mpi`).
test: setup-mpi mpi
	$(SWIFT) build -c release --build-tests
	$(SWIFT) test -c release --skip ResidentMemoryTests
	$(SWIFT) test -c release --filter ResidentMemoryTests

bench: build
	$(BIN) bench kernels

clean:
	rm -rf .build .build-mpi
