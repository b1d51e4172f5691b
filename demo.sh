#!/usr/bin/env bash
# Installs what is missing, builds custody, and runs it on the bundled example:
# a native layer over a made-up biometric SDK with a few bugs on error paths.
source "$(dirname "$0")/.ci/setup.sh"
custody_install "${custody_packages[@]}"
custody_build
cd "$CUSTODY_ROOT"
echo "== custody examples/native/*.c -- -I examples/sdk"
set +e
"$CUSTODY_BUILD/bin/custody" examples/native/*.c -- -I examples/sdk
rc=$?
set -e
# Exit code 1 means "findings", which is what the example is for.
[ "$rc" -le 1 ]
