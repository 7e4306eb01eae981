#!/bin/sh
# Rebuilds evaluator.wasm from mse.c. Needs clang and lld with the wasm32
# target (Debian: apt-get install clang lld). The flags are also in
# sandbox/examples_test.go, which checks that the committed module is up to
# date.
set -eu
cd "$(dirname "$0")"
clang --target=wasm32 -O2 -nostdlib -mbulk-memory -ffile-prefix-map="$PWD"=. \
	-I ../../../sandbox/guest/c -Wl,--no-entry -o evaluator.wasm mse.c
