#!/usr/bin/env bash
# Installs what is missing, builds custody, and runs the whole test suite
# (lit + FileCheck, through both the clang-tidy plugin and the CLI).
source "$(dirname "$0")/.ci/setup.sh"
custody_install "${custody_packages[@]}" "${custody_test_packages[@]}"
custody_build
cd "$CUSTODY_ROOT"
# The SARIF Multitool validates custody's SARIF in the tests (npm registry).
node_dir="$CUSTODY_BUILD/node"
multitool="$node_dir/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
if [ ! -x "$multitool" ] && command -v npm >/dev/null 2>&1; then
  timeout 600 npm install --prefix "$node_dir" --silent --no-audit --no-fund \
    @microsoft/sarif-multitool >/dev/null 2>&1 || true
  # npm does not run the package's install script that makes it executable.
  [ -f "$multitool" ] && chmod u+x "$multitool"
fi
lit="/usr/lib/llvm-$CUSTODY_LLVM_VERSION/build/utils/lit/lit.py"
[ -f "$lit" ] || lit="/usr/lib/llvm-$CUSTODY_LLVM_VERSION/utils/lit/lit.py"
[ -f "$lit" ] || lit=$(ls /usr/lib/llvm-*/build/utils/lit/lit.py | head -n 1)
report="$CUSTODY_BUILD/test/results.xml"
set +e
python3 "$lit" -sv -j2 --xunit-xml-output "$report" "$CUSTODY_BUILD/test" "$@"
rc=$?
set -e
python3 - "$report" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
cases = root.iter("testcase")
failed = passed = skipped = 0
for c in cases:
    if c.find("failure") is not None or c.find("error") is not None:
        failed += 1
    elif c.find("skipped") is not None:
        skipped += 1
    else:
        passed += 1
print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
PY
exit $rc
