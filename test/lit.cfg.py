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

config.substitutions.append(("%custody", custody))
config.substitutions.append(
    ("%tidy", "%s --quiet --load=%s -checks='-*,contract-*,cpython-*,jni-*,gil-*'"
     % (config.clang_tidy, plugin)))
config.substitutions.append(("%clang", config.clang))
config.substitutions.append(("%python", config.python))
config.substitutions.append(
    ("%expect-exit", "%s %s" % (config.python, os.path.join(
        config.custody_src_root, "test", "utils", "expect_exit.py"))))
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
