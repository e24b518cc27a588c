# The lecture's bugs on demand (docs/bugs.md): `make demo-bug BUG=NAME` runs the server with
# `--bug NAME`, then without it, on the same workload, and prints the figures side by side.
BUG ?= all

.PHONY: demo-bug

help::
	@echo "make demo-bug BUG=NAME  a lecture bug seen happening, then fixed (NAME: see docs/bugs.md, or all)"

demo-bug: build
	@bash scripts/demo-bug.sh $(BUG)
