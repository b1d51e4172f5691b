# lit configuration for custody's tests.
#
# Every check test runs through both front ends with the same expectations:
#   RUN: %custody %s -- %cflags | FileCheck %s --implicit-check-not=warning:
#   RUN: %tidy %s -- %cflags | FileCheck %s --implicit-check-not=warning:
import os
import lit.formats

config.name = "custody"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".c", ".cpp", ".test"]
config.excludes = ["Inputs", "utils", "make_precommit_repo.py"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.custody_obj_root, "test")

llvm_bin = os.path.join(config.llvm_root, "bin")
config.environment["PATH"] = os.pathsep.join(
    [llvm_bin, config.environment.get("PATH", os.environ.get("PATH", ""))])
for var in ("HOME", "TMPDIR"):
    if var in os.environ:
        config.environment[var] = os.environ[var]

custody = os.path.join(config.custody_obj_root, "bin", "custody")
plugin = os.path.join(config.custody_obj_root, "lib", "libcustody-tidy.so")
jdk = "/usr/lib/jvm/java-17-openjdk-amd64/include"
python_inc = "/usr/include/python3.11"

# An ASan+UBSan build (CUSTODY_SANITIZE=ON): the whole suite runs with it.
# The plugin is instrumented but the clang-tidy that loads it is not, so
# %{tidy_env} preloads the sanitizer runtime into clang-tidy, custody-tidy
# and run-clang-tidy (and only into them: the other tools of the tests are
# not instrumented), without leak detection there: clang-tidy's own memory is
# not custody's to check (the CLI runs the same engine with it). Tests that
# cannot run so say 'UNSUPPORTED: asan'.
tidy_env = ""
if getattr(config, "custody_sanitize", "OFF") == "ON":
    config.available_features.add("asan")
    asan_options = ["strict_string_checks=1", "check_initialization_order=1"]
    config.environment["ASAN_OPTIONS"] = ":".join(asan_options +
                                                  ["detect_leaks=1"])
    tidy_env = "env LD_PRELOAD=%s ASAN_OPTIONS=%s " % (
        config.asan_runtime, ":".join(asan_options + ["detect_leaks=0"]))
    config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
    config.environment["LSAN_OPTIONS"] = "suppressions=%s" % os.path.join(
        config.custody_src_root, "fuzz", "lsan.supp")
if getattr(config, "custody_fuzz", "OFF") == "ON":
    config.available_features.add("fuzz")

config.substitutions.append(("%custody", custody))
config.substitutions.append(
    ("%tidy", "%s%s --quiet --load=%s -checks='-*,contract-*,cpython-*,jni-*,gil-*'"
     % (tidy_env, config.clang_tidy, plugin)))
config.substitutions.append(("%{tidy_env}", tidy_env))
config.substitutions.append(("%clang", config.clang))
config.substitutions.append(("%python", config.python))
config.substitutions.append(
    ("%expect-exit", "%s %s" % (config.python, os.path.join(
        config.custody_src_root, "test", "utils", "expect_exit.py"))))
config.substitutions.append(
    ("%cpu-limit", "%s %s" % (config.python, os.path.join(
        config.custody_src_root, "test", "utils", "run_limited.py"))))
config.substitutions.append(("%src", config.custody_src_root))
config.substitutions.append(("%build", config.custody_obj_root))
config.substitutions.append(("%{pathenv}", config.environment["PATH"]))
config.substitutions.append(("%llvm_bin", llvm_bin))
config.substitutions.append(("%cxxflags", "-std=c++17 -I%s -I%s/linux -I%s"
                             % (jdk, jdk, python_inc)))
config.substitutions.append(("%cflags", "-std=gnu11 -I%s -I%s/linux -I%s"
                             % (jdk, jdk, python_inc)))

# The SARIF Multitool, when test.sh could install it from the npm registry.
multitool = os.path.join(config.custody_obj_root, "node", "node_modules",
                         ".bin", "sarif-multitool")
if os.path.exists(os.path.join(config.custody_obj_root, "node", "node_modules",
                               "@microsoft", "sarif-multitool-linux",
                               "Sarif.Multitool")):
    config.available_features.add("sarif-multitool")
    config.substitutions.append(("%sarif-multitool", multitool))
