# Fuzzing (issue 10): cargo-fuzz targets in fuzz/, bodies in fuzz-targets/ (see fuzz/README.md).
#   make fuzz TARGET=http_head SECS=600   one target, SECS seconds (default 60)
#   make fuzz-all SECS=600                every target, one after the other
#   make fuzz-list                        the targets
# Needs a nightly toolchain and cargo-fuzz; says what is missing and how to get it if not.
# On stable, `make test` replays the committed corpora (tests/tests/fuzz_corpus.rs).
.PHONY: fuzz fuzz-all fuzz-list

TARGET ?= http_head
SECS ?= 60

help::
	@echo "make fuzz TARGET=NAME SECS=N   libFuzzer on one parser (nightly + cargo-fuzz); make fuzz-list"
	@echo "make fuzz-all SECS=N           every fuzz target in turn"

fuzz:
	@bash scripts/fuzz.sh $(TARGET) $(SECS)

fuzz-all:
	@for t in $$(bash scripts/fuzz.sh --list); do bash scripts/fuzz.sh $$t $(SECS) || exit 1; done

fuzz-list:
	@bash scripts/fuzz.sh --list
