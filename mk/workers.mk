# Prefork reactors (`--workers N`, docs/workers.md): echo with one process, 1 and 2 workers.
.PHONY: bench-workers

help::
	@echo "make bench-workers   echo round trips/s: one process vs --workers 1 vs --workers 2"

bench-workers:
	@bash scripts/bench/workers.sh
