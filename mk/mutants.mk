# Mutation testing of the lab regions (labs/README.md, "Mutation testing"): every mutant
# cargo-mutants makes inside lab N's regions is graded by lab N's grader; each one that
# survives must be listed in labs/NN-name/mutants-allowed.txt with its reason.
# `make mutants LAB=N`; SAMPLE=K grades a fixed sample of K mutants instead of all.
.PHONY: mutants

help::
	@echo "make mutants LAB=N   mutation-test lab N's regions with its grader (SAMPLE=K: K of them)"

mutants: build
	@command -v cargo-mutants >/dev/null || $(CARGO) install --locked cargo-mutants
	@$(XTASK) mutants $(LAB) $(if $(SAMPLE),--sample $(SAMPLE))
