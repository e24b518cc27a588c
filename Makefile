# reactor-lab: thin wrappers around cargo and scripts/. `make help` lists the targets.
CARGO ?= cargo
MODEL ?= epoll
SHELL := /bin/bash

.PHONY: help build release test lint deps demo demo-chat strace-compare bench bench-chat bench-http \
        demo-iterative demo-fork demo-thread demo-select demo-poll demo-epoll \
        debug-first debug-select debug-poll debug-epoll clean

# `help` is a double-colon rule: each mk/*.mk fragment adds its own `help::` lines.
help::
	@echo "make demo-select     main demo: one thread serves several clients with select(2)"
	@echo "make demo-MODEL      the same for iterative, fork, thread, poll, epoll"
	@echo "make demo-chat MODEL=epoll   a chat room with three scripted members"
	@echo "make strace-compare  syscall counts of every model side by side (thread, fork, select, poll, epoll, uring...)"
	@echo "make debug-first     step through the first loop (reactor/examples/first_loop.rs) in rust-gdb"
	@echo "make debug-MODEL     step through one turn of the event loop in rust-gdb (select, poll, epoll)"
	@echo "make test            installs missing tools, then formatting, lints and the whole test suite"
	@echo "make bench           echo round trips/s and latency for every model"
	@echo "make bench-chat      chat broadcast throughput per model"
	@echo "make bench-http      http-server against nginx with wrk"

build:
	$(CARGO) build --workspace --bins

release:
	$(CARGO) build --release --workspace --bins

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings

# Tools the tests drive (strace, socat, curl, gdb, dnsmasq, prometheus_client), if missing.
deps:
	@bash scripts/install-deps.sh

# The whole suite: the black-box tests need every binary built first.
test: deps lint build
	$(CARGO) test --workspace

demo: demo-select

demo-iterative demo-fork demo-thread demo-select demo-poll demo-epoll: build
	@bash scripts/demo.sh $(@:demo-%=%)

demo-chat: build
	@bash scripts/demo-chat.sh $(MODEL)

strace-compare: release
	@bash scripts/strace-compare.sh

debug-select debug-poll debug-epoll: build
	@bash scripts/debug.sh $(@:debug-%=%)

# BACKEND=select|poll|epoll (default select).
debug-first:
	$(CARGO) build -p reactor --example first_loop
	@bash scripts/debug-first.sh $(BACKEND)

bench:
	@bash scripts/bench.sh

bench-chat:
	@bash scripts/bench-chat.sh

bench-http:
	@bash scripts/bench-http.sh

clean:
	$(CARGO) clean

# Targets of the later parts of the course, one fragment each (see mk/README.md).
include $(wildcard mk/*.mk)
