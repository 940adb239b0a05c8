# The two commands: `make run` starts a demo node, `make test` runs every test.
# Both install what is missing first (scripts/setup.sh, Debian packages).
JOBS ?= $(shell nproc)

.PHONY: run test build release bench clean format

run: release
	scripts/demo.sh

test:
	scripts/setup.sh
	cmake --preset test >/dev/null
	cmake --build --preset test -j $(JOBS)
	ctest --preset test -j $(JOBS)

release:
	scripts/setup.sh
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

build: release

bench: release
	scripts/setup.sh --bench
	bench/run.sh
	bench/replicate.sh
	d=$$(mktemp -d) && build/release/bench/bench_gov_log 2000 $$d; rm -rf $$d

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build
