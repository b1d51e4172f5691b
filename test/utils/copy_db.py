# copy_db.py OUT SRC_DIR FILE... [-- FLAGS...]
# Copies FILEs (sources and headers) from SRC_DIR into OUT and writes
# OUT/compile_commands.json with one entry per .c or .cpp file among them,
# compiled with FLAGS, in the order given.
import json
import os
import shutil
import sys

args = sys.argv[1:]
flags = []
if "--" in args:
    flags = args[args.index("--") + 1:]
    args = args[:args.index("--")]
out, src, files = args[0], args[1], args[2:]
for name in files:
    shutil.copy(os.path.join(src, name), os.path.join(out, name))
json.dump([{"directory": out, "file": f, "arguments": ["cc", "-c", f] + flags}
           for f in files if f.endswith((".c", ".cpp"))],
          open(os.path.join(out, "compile_commands.json"), "w"), indent=1)
