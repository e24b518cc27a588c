# Soak and overload (issue 10): every server and model against churn, slow and silent peers,
# floods, fd exhaustion and SIGTERM under load; loopback only, each scenario bounded in time.
#   make soak                      the whole matrix on release binaries (~10 min), table in target/soak/table.md
#   make soak SOAK_ARGS="--server http-server --model epoll"   a part of it
#   make soak-short                the subset `make test` runs (tests/tests/soak_short.rs)
.PHONY: soak soak-short

SOAK_ARGS ?=

help::
	@echo "make soak            overload campaign, every server and model; one PASS/FAIL table (SOAK_ARGS=--server ...)"
	@echo "make soak-short      the soak subset that make test runs"

soak: release
	@bash scripts/install-deps.sh
	python3 scripts/soak/soak.py --bin-dir target/release $(SOAK_ARGS)

soak-short: build
	python3 scripts/soak/soak.py --short --bin-dir target/debug $(SOAK_ARGS)
