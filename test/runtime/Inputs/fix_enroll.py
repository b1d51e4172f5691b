#!/usr/bin/env python3
"""fix_enroll.py IN OUT: examples/native/enroll.c with the three fixes
docs/runtime.md makes after custody trace confirmed its findings."""
import sys

FIXES = [
    ("    return ACME_OK; /* BUG: the gallery refused tpl, so it is still ours */\n",
     "    acme_template_destroy(tpl);\n    return ACME_OK;\n"),
    ("  free(desc); /* BUG: SDK strings go back through acme_string_free */\n",
     "  acme_string_free(desc);\n"),
    ("  if (size <= 0)\n    return NULL; /* BUG: f leaks on an empty or unseekable file */\n",
     "  if (size <= 0) {\n    fclose(f);\n    return NULL;\n  }\n"),
]

text = open(sys.argv[1]).read()
for old, new in FIXES:
    if old not in text:
        sys.exit("fix_enroll.py: not found: " + old)
    text = text.replace(old, new)
open(sys.argv[2], "w").write(text)
