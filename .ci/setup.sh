# Sourced by demo.sh, test.sh and .ci/run: installs what is missing (Debian
# bookworm, as root), then configures and builds custody in ./build.
# Idempotent and quick when nothing changed.
set -euo pipefail

CUSTODY_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CUSTODY_BUILD="${CUSTODY_BUILD:-$CUSTODY_ROOT/build}"
CUSTODY_LLVM_VERSION="${CUSTODY_LLVM_VERSION:-19}"

custody_packages=(
  cmake ninja-build g++ python3
  "llvm-$CUSTODY_LLVM_VERSION-dev" "libclang-$CUSTODY_LLVM_VERSION-dev"
  "clang-tidy-$CUSTODY_LLVM_VERSION" "clang-$CUSTODY_LLVM_VERSION"
  "llvm-$CUSTODY_LLVM_VERSION-tools" libyaml-cpp-dev libxml2-dev
)
# Real headers the tests and the example compile against.
custody_test_packages=(
  python3-dev openjdk-17-jdk-headless libsqlite3-dev libcurl4-openssl-dev
  libssl-dev git pre-commit
  # pybind11: the built-in contract is tested on its real headers.
  pybind11-dev
  # custody contracts import-cppcheck reads the .cfg files cppcheck ships;
  # custody contracts suggest is tested on libgit2's headers too.
  cppcheck libgit2-dev
  # custody triage reads the heap profiles of the real allocators:
  # jemalloc (built with profiling) and gperftools' tcmalloc.
  libjemalloc2 libjemalloc-dev google-perftools libgoogle-perftools-dev
)

custody_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
      missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "custody: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

custody_build() {
  if [ ! -f "$CUSTODY_BUILD/build.ninja" ]; then
    cmake -S "$CUSTODY_ROOT" -B "$CUSTODY_BUILD" -G Ninja \
      -DCMAKE_BUILD_TYPE=Release -DCUSTODY_LLVM_VERSION="$CUSTODY_LLVM_VERSION" >/dev/null
  fi
  ninja -C "$CUSTODY_BUILD" -j "$(nproc)" | grep -v '^ninja: no work to do' || true
  test -x "$CUSTODY_BUILD/bin/custody" && test -f "$CUSTODY_BUILD/lib/libcustody-tidy.so"
}
