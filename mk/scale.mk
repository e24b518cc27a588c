# Scale (issue 26): the lecture's "why multiplex" at 1k, 10k and 100k idle connections, and
# benchmark charts that say how busy the machine was.
.PHONY: demo-scale charts-for-readme

help::
	@echo "make demo-scale      N idle connections + 1 active client on every model (N = 0 1k 10k 100k; SCALE_COUNTS=..., SCALE_MODELS=...)"
	@echo "make charts-for-readme  rerun the benches and redraw docs/img/bench-*.svg, only if the machine is quiet"

SCALE_COUNTS ?= 0 1000 10000 100000
SCALE_MODELS ?= thread fork select poll epoll uring

demo-scale: release
	@bash scripts/demo-scale.sh --counts "$(SCALE_COUNTS)" --models "$(SCALE_MODELS)"

charts-for-readme:
	@bash scripts/charts-for-readme.sh
