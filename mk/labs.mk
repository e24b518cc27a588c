# The labs (labs/README.md): a student starts one, writes the missing piece, runs its grader.
# `cargo xtask` (xtask/) does the work; N is a lab number, OUT a directory.
XTASK := $(CARGO) xtask
# `make lab-start 7`: the number may follow the target instead of N=7.
LAB_ARG := $(word 2,$(MAKECMDGOALS))
N ?= $(LAB_ARG)

.PHONY: lab-start lab-tree lab-check grade lab-proofs lab-proofs-full lab-regions lab-lint

help::
	@echo "make lab-start N     start lab N: branch lab-NN with its regions stripped (labs/README.md)"
	@echo "make lab-check N     build and grade lab N: checks, points, Score: x/y"
	@echo "make grade           grade every lab in one table (JSON=1 for --json)"
	@echo "make lab-tree N OUT=DIR   the tree with lab N stripped, for a teacher"
	@echo "make lab-proofs      CI: each lab full marks on main, its starter and wrong solution below"
	@echo "make lab-proofs-full the same with every wrong solution of every lab"

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

# Run by `make test` after the build (proof 1 uses the freshly built binaries). A lab with
# several wrong solutions has one of them proven here, a different one each day;
# `make lab-proofs-full` proves them all. Its log feeds make test's summary (a lab whose
# checks need root is "not run" there).
lab-proofs: build
	@mkdir -p target; set -o pipefail; LAB_PROOFS_SAMPLE=1 $(XTASK) proofs | tee target/lab-proofs.log

lab-proofs-full: build
	@$(XTASK) proofs

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
