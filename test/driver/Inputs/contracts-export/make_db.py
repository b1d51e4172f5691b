# Copies the SDK's sources into DIR and writes DIR/compile_commands.json for
# them, compiled with the flags given after DIR.
import json
import os
import shutil
import sys

here = os.path.dirname(os.path.abspath(__file__))
out = sys.argv[1]
flags = sys.argv[2:]
for name in ("sdk.h", "sdk.c", "sdk_py.c"):
    shutil.copy(os.path.join(here, name), os.path.join(out, name))
json.dump([{"directory": out, "file": f, "arguments": ["cc", "-c", f] + flags}
           for f in ("sdk.c", "sdk_py.c")],
          open(os.path.join(out, "compile_commands.json"), "w"), indent=1)
