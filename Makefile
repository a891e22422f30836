# pcemu — the set-up and test commands the README promises.
#
#   make run  ARGS='-hda disk.vhd'   install what is missing, then run pcemu
#   make test                        install what is missing, then the whole suite
#   make bench                       the Go benchmarks (MIPS, MB/s)
#   make pgo                         rebuild cmd/pcemu/default.pgo (profile-guided optimisation)
#   make fuzz  FUZZTIME=5m           long fuzzing of every fuzz target

# Debian packages the build and the tests need. libsdl2-dev for the window,
# qemu-utils for qemu-img (the VHD reference), nasm for the test programs,
# mtools and dosfstools for files inside FAT images, xvfb for window tests,
# binutils for objdump (the disassembler's reference), qemu-system-x86 for
# the cross-checks of the test programs (QEMU's VGA, SeaBIOS), libxml2-utils for
# xmllint (pcemu test's JUnit XML checked against Jenkins' schema), gdb to
# drive the gdb stub.
DEB_PACKAGES := gcc pkg-config libsdl2-dev qemu-utils nasm mtools dosfstools xvfb binutils qemu-system-x86 libxml2-utils gdb

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
GO ?= go
ARGS ?=
FUZZTIME ?= 2m

.PHONY: deps run test bench fuzz build vet pgo

# Quiet and idempotent: apt-get runs only when a package is missing.
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "make deps: installing$$missing"; \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

run: deps
	$(GO) run ./cmd/pcemu $(ARGS)

build: deps
	$(GO) build ./...

vet:
	$(GO) vet ./...

# The whole suite: vet, every package's tests (fuzz targets run their seed
# corpus), and the race detector over the display/CPU-thread code; see
# scripts/gotest, which ends with a "N passed, N failed, N skipped" line.
test: deps vet
	./scripts/gotest

bench: deps
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The CPU profile go build and go run optimise pcemu with (scripts/pgo).
pgo: deps
	./scripts/pgo

# Long fuzzing, one target at a time (the normal suite runs only the seeds).
fuzz: deps
	@for pkg in $$($(GO) list ./...); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "== $$pkg $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
		done; \
	done
