#!/usr/bin/env python3
"""caret_columns.py TEXT_OUTPUT: for each diagnostic of custody's text
output, checks that the caret is under the character the location's byte
column names, counting display columns as a terminal does (tabs are already
expanded in the printed line; East Asian wide characters take two)."""
import re
import sys
import unicodedata


def width(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
checked = 0
for i, line in enumerate(lines):
    m = re.match(r"^(.+?):(\d+):(\d+): (warning|note): ", line)
    if not m:
        continue
    shown = lines[i + 1].split(" | ", 1)[1]
    caret = lines[i + 2].split(" | ", 1)[1]
    # An underline may follow the caret: '^~~~'.
    underline = len(caret) - len(caret.rstrip("~"))
    caret = caret.rstrip("~")
    assert caret.endswith("^") and caret[:-1].strip() == "", caret
    # The source file's line, and the text at the byte column.
    src = open(m.group(1), "rb").read().splitlines()[int(m.group(2)) - 1]
    before = src[:int(m.group(3)) - 1].decode("utf-8")
    col = 0
    for c in before:
        col = (col // 8 + 1) * 8 if c == "\t" else col + width(c)
    assert width(caret) - 1 == col, (line, caret, col)
    # What the caret is under in the printed line is what the column names.
    at, acc = None, 0
    for c in shown:
        if acc == col:
            at = c
            break
        acc += width(c)
    expected = src[int(m.group(3)) - 1:].decode("utf-8", "replace")[:1]
    assert at == expected, (line, at, expected)
    # The underline ends under the end of the call it is about.
    if underline:
        acc, j = 0, 0
        while j < len(shown) and acc < col:
            acc += width(shown[j])
            j += 1
        covered = shown[j:j + 1 + underline]
        assert covered.endswith(")"), (line, covered)
    checked += 1
assert checked >= 4, checked
print("carets checked:", checked)
