# The labs (labs/README.md): a student starts one, writes the missing piece, runs its grader.
# `cargo xtask` (xtask/) does the work; N is a lab number, OUT a directory.
XTASK := $(CARGO) xtask
# `make lab-start 7`: the number may follow the target instead of N=7.
LAB_ARG := $(word 2,$(MAKECMDGOALS))
N ?= $(LAB_ARG)

.PHONY: lab-start lab-tree lab-check grade lab-proofs lab-proofs-full lab-regions lab-lint lab-reactor-tests

help::
	@echo "make lab-start N     start lab N: branch lab-NN with its regions stripped (labs/README.md)"
	@echo "make lab-check N     build and grade lab N: checks, points, Score: x/y"
	@echo "make grade           grade every lab in one table (JSON=1 for --json)"
	@echo "make lab-tree N OUT=DIR   the tree with lab N stripped, for a teacher"
	@echo "make lab-proofs      CI: each lab full marks on main, its starter and one wrong solution below"
	@echo "make lab-proofs-full every wrong solution of every lab below full marks, with its message"
	@echo "make lab-reactor-tests   cargo test -p reactor, bounded in time (labs 5-8)"

lab-start:
	@$(XTASK) start $(N)

lab-tree:
	@$(XTASK) tree $(N) $(OUT)

lab-check:
	@$(XTASK) check $(N)

grade:
	@$(XTASK) grade $(if $(JSON),--json)

lab-regions:
	@$(XTASK) regions $(N)

# Run by `make test` after the build (proof 1 uses the freshly built binaries). One wrong
# solution per lab, another at each commit; lab-proofs-full proves them all (labs/README.md).
# Its log feeds make test's summary (a lab whose checks need root is "not run" there).
lab-proofs: build
	@mkdir -p target; set -o pipefail; $(XTASK) proofs | tee target/lab-proofs.log

lab-proofs-full: build
	@$(XTASK) proofs --full

# The reactor's own tests, which the statements of labs 5-8 recommend, on a student's
# backend: compiled first, then run for at most REACTOR_TEST_SECS seconds (timeout(1) kills
# the whole process group), so a backend that spins or misses a wake-up cannot hang them.
REACTOR_TEST_SECS ?= 300
lab-reactor-tests:
	@$(CARGO) test -q -p reactor --no-run
	@timeout -k 5 $(REACTOR_TEST_SECS) $(CARGO) test -p reactor -- --test-threads 2; \
	status=$$?; \
	if [ $$status -eq 124 ] || [ $$status -eq 137 ]; then \
		echo "cargo test -p reactor did not finish in $(REACTOR_TEST_SECS) s: a busy loop or a missed wake-up in your backend? (the test named last above with 'has been running' is stuck)"; \
	fi; \
	exit $$status

# The graders are `test = false` targets (not run twice by `cargo test`), which
# `clippy --all-targets` skips: lint them by name.
lab-lint:
	$(CARGO) clippy -p tests --test 'lab*' -- -D warnings

lint: lab-lint
test: lab-proofs

# `make lab-start 7`: the bare number is an argument, not a target to build.
ifneq ($(filter lab-start lab-check lab-tree lab-regions,$(firstword $(MAKECMDGOALS))),)
$(LAB_ARG):
	@:
endif
