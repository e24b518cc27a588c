# io_uring (issue 15): readiness through a ring (--model uring, reactor/src/backend/uring.rs)
# and the completion model (echo-server --model uring-completion, reactor/src/proactor/).
.PHONY: demo-uring debug-uring bench-uring

help::
	@echo "make demo-uring      one echo session on io_uring: submissions and completions per turn"
	@echo "make bench-uring     epoll vs uring vs uring-completion: rt/s, p99, syscalls per round trip"

demo-uring: build
	@bash scripts/demo-uring.sh

debug-uring: build
	@bash scripts/debug.sh uring

# The models also run in make bench and make strace-compare; this is the short comparison.
bench-uring: release
	@BENCH_MODELS="epoll uring uring-completion" BENCH_IDLE="" bash scripts/bench.sh
	@bash scripts/uring-syscalls.sh
