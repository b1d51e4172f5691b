#!/usr/bin/env bash
# CI: custody built with AddressSanitizer and UndefinedBehaviorSanitizer
# (and the fuzz targets: -DCUSTODY_FUZZ=ON, which implies CUSTODY_SANITIZE)
# by clang-19 in build-asan/, then the whole lit suite run on that build.
# The plugin tests load the instrumented plugin into the system clang-tidy
# with the sanitizer runtime preloaded (test/lit.cfg.py). .ci/fuzz.sh runs
# the fuzzers on the same build afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
export CUSTODY_BUILD="${CUSTODY_SANITIZE_BUILD:-$PWD/build-asan}"
source .ci/setup.sh
custody_install "${custody_packages[@]}" "${custody_test_packages[@]}" \
  "libclang-rt-$CUSTODY_LLVM_VERSION-dev"
if [ ! -f "$CUSTODY_BUILD/build.ninja" ]; then
  cmake -S . -B "$CUSTODY_BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCUSTODY_LLVM_VERSION="$CUSTODY_LLVM_VERSION" \
    -DCMAKE_C_COMPILER="clang-$CUSTODY_LLVM_VERSION" \
    -DCMAKE_CXX_COMPILER="clang++-$CUSTODY_LLVM_VERSION" \
    -DCUSTODY_FUZZ=ON >/dev/null
fi
# The SARIF Multitool test.sh installs for the main build serves this one.
if [ -d build/node ] && [ ! -e "$CUSTODY_BUILD/node" ]; then
  ln -s "$PWD/build/node" "$CUSTODY_BUILD/node"
fi
start=$SECONDS
ninja -C "$CUSTODY_BUILD" -j "$(nproc)"
echo "sanitize: build took $((SECONDS - start)) s"
start=$SECONDS
bash ./test.sh
echo "sanitize: lit suite took $((SECONDS - start)) s"
