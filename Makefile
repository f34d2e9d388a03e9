# Shortcuts for developers; the README's two commands work without make.
.PHONY: example test build bench clean
example: ; bash .ci/example.sh
test: ; bash .ci/test.sh
build: ; bash .ci/build.sh
bench: build ; ./build/bench/crmsim_bench
clean: ; rm -rf build
