#!/usr/bin/env python3
"""Generates contracts/cpython.yaml, custody's built-in CPython contract.

Usage (from anywhere; paths default to the repository this script is in):

    python3 contracts/cpython/generate.py [--refcounts PATH] [--overrides PATH]
                                          [--output PATH] [--check]

Inputs
------
* CPython's Doc/data/refcounts.dat (default: <repo>/../shared/data/refcounts.dat).
  It is read, never copied into the repository. Its lines are
  ``function:type:param:effect:comment``; an empty param is the return value,
  effect +1 = new reference, 0 = borrowed, null = always NULL, -1 = decref'd.
* contracts/cpython/overrides.yaml: the reviewed facts that win over
  refcounts.dat (see "The overrides format" below).

Output
------
contracts/cpython.yaml, deterministic (each group sorted by name), starting
with a comment that says it is generated, by which command, from what.

* One resource, ``pyobject`` (a strong reference), whose releasers, description
  and null_release come from the ``resource`` section of the overrides.
* A function of refcounts.dat whose result is a Python object pointer
  (PyObject*, PyVarObject*, PyTypeObject*, PyCodeObject*, TYPE* ...) with
  effect +1 gets ``returns: {owned: pyobject, null_on_failure: true}``; with
  effect 0 ``returns: {borrowed: pyobject}`` (a borrowed result may be NULL).
* Every other function of refcounts.dat (results "null", int, void, char* ...)
  is listed under ``non_owning``: its PyObject* arguments are only used. That
  is right for the functions that keep an argument with a reference of their
  own (PyList_Append, PyDict_SetItem, PyObject_SetAttr ...).
* Argument effects are NEVER taken from refcounts.dat: its stolen-argument
  entries are wrong (PyList_SetItem is marked 0, PyModule_AddObject +1). Steals,
  out-parameters and retains come only from the overrides. So that a new
  steal or out-parameter in a newer refcounts.dat is not silently turned into
  "only uses", the generator stops with an error when a function has a
  PyObject* argument marked -1, or a PyObject** argument marked +1, and the
  overrides do not decide it (functions, non_owning, skip or a releaser).

--check compares the generated text with the committed output and exits 1 if
they differ (with a diff on stderr); it exits 0, saying so, when refcounts.dat
does not exist (a checkout without the shared data folder).

The overrides format
--------------------
overrides.yaml is a restricted YAML (valid YAML, read here without PyYAML):

* Full-line comments start with '#'. A comment after a value starts with
  ' #' outside double quotes.
* Sections are top-level keys at column 0, followed by ':' and nothing else:
  ``resource``, ``functions``, ``non_owning``, ``expect``, ``skip``,
  ``accepts_null``, ``object_types``.
* ``resource``: lines ``  key: value`` (description, release, null_release).
* ``functions`` and ``expect``: lines ``  Name: VALUE`` where VALUE is a YAML
  flow mapping on one line: ``{returns: {owned: pyobject}, args: {2:
  {consumes: pyobject, when: success}}, success: "== 0"}``. Flow values are
  mappings ``{k: v, ...}``, lists ``[a, b]``, bare words and double-quoted
  strings. ``{}`` means "only uses its arguments" (non_owning).
  - ``functions`` entries replace whatever refcounts.dat would give; an entry
    ``{}`` puts the function in ``non_owning``.
  - ``expect`` entries are assertions: the entry refcounts.dat gives must be
    exactly this (it must list the function), or generation fails.
* ``non_owning`` and ``skip``: lines ``  - Name``. non_owning adds or forces
  the function into ``non_owning``; skip drops it from the output (macros,
  facts refcounts.dat gets wrong and no entry can express).
* ``accepts_null``: lines ``  Name: [param, ...]``, the object parameters
  (by refcounts.dat's names) that take NULL.
* ``object_types``: lines ``  Name: {result: TYPE}`` (a function whose
  success always returns a TYPE or a subtype: ``result_type``) or
  ``  Macro: {tests: TYPE}`` (a truth test for TYPE: ``tests_type``).
* Every entry needs its reason: a comment on the line(s) right above it or a
  trailing comment on its line. A name may appear in one section only
  (``expect`` excepted).
"""

import argparse
import difflib
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DEFAULT_REFCOUNTS = os.path.join(os.path.dirname(REPO), "shared", "data",
                                 "refcounts.dat")
DEFAULT_OVERRIDES = os.path.join(HERE, "overrides.yaml")
DEFAULT_OUTPUT = os.path.join(REPO, "contracts", "cpython.yaml")

RESOURCE = "pyobject"
# C types of refcounts.dat results that are Python objects.
OBJECT_TYPE = re.compile(r"^(Py\w*Object|TYPE)\s*\*$")
EFFECTS = ("acquires", "releases", "consumes", "borrows", "keeps", "retains",
           "lends")
WHENS = ("always", "success", "failure")
SUCCESS = re.compile(r"^((==|!=|<=|>=|<|>) ?-?(0x[0-9a-fA-F]+|[0-9]+)|nonnull|null)$")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Error(Exception):
    pass


# --- refcounts.dat -----------------------------------------------------------

def read_refcounts(path):
    """Returns {function: {"ret": (type, effect), "args": [(type, name, effect)]}}."""
    funcs = {}
    order = []
    last = None
    with open(path, encoding="ascii") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip():
                last = None
                continue
            if line.startswith("#"):
                continue
            parts = line.split(":", 4)
            if len(parts) != 5:
                raise Error("%s:%d: expected function:type:param:effect:comment"
                            % (path, lineno))
            fn, ctype, param, effect = (p.strip() for p in parts[:4])
            if not NAME.match(fn):
                raise Error("%s:%d: bad function name '%s'" % (path, lineno, fn))
            if effect not in ("", "0", "+1", "-1", "null"):
                raise Error("%s:%d: unknown refcount effect '%s'"
                            % (path, lineno, effect))
            if fn != last:
                if fn in funcs:
                    raise Error("%s:%d: second block for '%s'" % (path, lineno, fn))
                if param:
                    raise Error("%s:%d: the block of '%s' does not start with its "
                                "result" % (path, lineno, fn))
                funcs[fn] = {"ret": (ctype, effect), "args": []}
                order.append(fn)
                last = fn
                continue
            if not param:
                raise Error("%s:%d: second result line for '%s'" % (path, lineno, fn))
            funcs[fn]["args"].append((ctype, param, effect))
    return funcs


def entry_from_refcounts(info):
    """The entry refcounts.dat gives: a returns mapping, or {} (non_owning)."""
    ctype, effect = info["ret"]
    if OBJECT_TYPE.match(ctype):
        if effect == "+1":
            return {"returns": {"owned": RESOURCE, "null_on_failure": "true"}}
        if effect == "0":
            return {"returns": {"borrowed": RESOURCE}}
        if effect == "null":
            return {}
        raise Error("refcounts.dat gives no effect for the %s result" % ctype)
    return {}


def needs_review(info):
    """Arguments refcounts.dat marks in a way this generator will not trust."""
    out = []
    for i, (ctype, name, effect) in enumerate(info["args"]):
        t = ctype.replace(" ", "")
        if effect == "-1" and t in ("PyObject*", "PyFrameObject*"):
            out.append("argument %d '%s' is marked -1 (stolen?)" % (i, name))
        if effect == "+1" and t == "PyObject**":
            out.append("argument %d '%s' is a PyObject** marked +1 "
                       "(an out-parameter?)" % (i, name))
    return out


# --- overrides ---------------------------------------------------------------

def parse_flow(text, where):
    """Parses a one-line YAML flow value into dicts, lists and strings."""
    pos = 0

    def skip():
        nonlocal pos
        while pos < len(text) and text[pos] == " ":
            pos += 1

    def value():
        nonlocal pos
        skip()
        if pos >= len(text):
            raise Error("%s: value expected" % where)
        c = text[pos]
        if c == "{":
            pos += 1
            out = {}
            skip()
            if pos < len(text) and text[pos] == "}":
                pos += 1
                return out
            while True:
                k = scalar()
                skip()
                if pos >= len(text) or text[pos] != ":":
                    raise Error("%s: ':' expected after '%s'" % (where, k))
                pos += 1
                if k in out:
                    raise Error("%s: duplicate key '%s'" % (where, k))
                out[k] = value()
                skip()
                if pos < len(text) and text[pos] == ",":
                    pos += 1
                    continue
                if pos < len(text) and text[pos] == "}":
                    pos += 1
                    return out
                raise Error("%s: ',' or '}' expected" % where)
        if c == "[":
            pos += 1
            out = []
            skip()
            if pos < len(text) and text[pos] == "]":
                pos += 1
                return out
            while True:
                out.append(value())
                skip()
                if pos < len(text) and text[pos] == ",":
                    pos += 1
                    continue
                if pos < len(text) and text[pos] == "]":
                    pos += 1
                    return out
                raise Error("%s: ',' or ']' expected" % where)
        return scalar()

    def scalar():
        nonlocal pos
        skip()
        if pos < len(text) and text[pos] == '"':
            end = text.find('"', pos + 1)
            if end < 0:
                raise Error("%s: unterminated string" % where)
            s = text[pos + 1:end]
            pos = end + 1
            return s
        m = re.compile(r"[A-Za-z0-9_.+\-/ ]*[A-Za-z0-9_.+\-/]").match(text, pos)
        if not m:
            raise Error("%s: value expected at '%s'" % (where, text[pos:]))
        pos = m.end()
        return m.group(0)

    v = value()
    skip()
    if pos != len(text):
        raise Error("%s: unexpected '%s'" % (where, text[pos:]))
    return v


def split_comment(line):
    """Splits 'value  # comment' outside double quotes."""
    quoted = False
    for i, c in enumerate(line):
        if c == '"':
            quoted = not quoted
        elif c == "#" and not quoted and (i == 0 or line[i - 1] == " "):
            return line[:i].rstrip(), line[i + 1:].strip()
    return line.rstrip(), ""


def validate_entry(name, e, where):
    if not isinstance(e, dict):
        raise Error("%s: the entry of '%s' must be a mapping" % (where, name))
    for k in e:
        if k not in ("returns", "args", "varargs", "format", "success",
                     "failure", "interior", "checks_exception",
                     "raises_on_failure", "fails_on_null"):
            raise Error("%s: unknown key '%s' in '%s'" % (where, k, name))

    def resource(r):
        if r not in (RESOURCE, "any"):
            raise Error("%s: '%s' names resource '%s'" % (where, name, r))

    def effect(a, what, allow_acquires=True):
        if not isinstance(a, dict):
            raise Error("%s: %s of '%s' must be a mapping" % (where, what, name))
        kinds = [k for k in a if k in EFFECTS]
        if len(kinds) != 1 or any(k not in EFFECTS + ("when", "null_with")
                                  for k in a):
            raise Error("%s: %s of '%s' needs exactly one of %s (and 'when',"
                        " 'null_with')" % (where, what, name, ", ".join(EFFECTS)))
        if "null_with" in a and (kinds[0] != "acquires" or
                                 not re.match(r"^[0-9]+$", a["null_with"])):
            raise Error("%s: 'null_with' of %s of '%s' needs an acquired"
                        " out-parameter and an argument index"
                        % (where, what, name))
        if kinds[0] == "acquires" and not allow_acquires:
            raise Error("%s: %s of '%s' cannot acquire" % (where, what, name))
        if kinds[0] == "acquires" and a[kinds[0]] == "any":
            raise Error("%s: %s of '%s' acquires 'any'" % (where, what, name))
        resource(a[kinds[0]])
        w = a.get("when", "always")
        if w not in WHENS:
            raise Error("%s: bad 'when' '%s' in '%s'" % (where, w, name))
        if w != "always" and "success" not in e and not (
                e.get("returns", {}).get("null_on_failure") == "true"):
            raise Error("%s: '%s' says 'when: %s' without a success condition"
                        % (where, name, w))

    if "returns" in e:
        r = e["returns"]
        if not isinstance(r, dict) or sorted(k for k in r if k != "null_on_failure") \
                not in (["owned"], ["borrowed"]):
            raise Error("%s: 'returns' of '%s' needs owned or borrowed" % (where, name))
        if r.get("null_on_failure", "false") not in ("true", "false"):
            raise Error("%s: bad null_on_failure in '%s'" % (where, name))
        resource(r.get("owned", r.get("borrowed")))
        if r.get("null_on_failure") == "false":
            del r["null_on_failure"]
    for key in ("success", "failure"):
        if key in e and not SUCCESS.match(e[key]):
            raise Error("%s: bad %s condition '%s' in '%s'"
                        % (where, key, e[key], name))
    if e.get("raises_on_failure", "false") != "false":
        raise Error("%s: 'raises_on_failure' of '%s' is only written when "
                    "false" % (where, name))
    if "raises_on_failure" in e and "success" not in e and not (
            e.get("returns", {}).get("null_on_failure") == "true"):
        raise Error("%s: '%s' says 'raises_on_failure' without a success "
                    "condition" % (where, name))
    if "fails_on_null" in e and (
            not isinstance(e["fails_on_null"], list) or not all(
                isinstance(x, str) and re.match(r"^[0-9]+$", x)
                for x in e["fails_on_null"]) or "success" not in e):
        raise Error("%s: 'fails_on_null' of '%s' needs a success condition "
                    "and a list of argument indices" % (where, name))
    if "interior" in e and not re.match(r"^[0-9]+$", e["interior"]):
        raise Error("%s: 'interior' of '%s' must be an argument index"
                    % (where, name))
    if "failure" in e and "success" not in e:
        raise Error("%s: '%s' has a failure condition but no success one"
                    % (where, name))
    if "format" in e:
        f = e["format"]
        if (not isinstance(f, dict) or sorted(f) != ["arg", "resource", "style"]
                or not re.match(r"^[0-9]+$", f["arg"])
                or f["style"] not in ("build", "parse")):
            raise Error("%s: 'format' of '%s' needs arg, style (build or parse)"
                        " and resource" % (where, name))
        resource(f["resource"])
    if "args" in e:
        if not isinstance(e["args"], dict) or not e["args"]:
            raise Error("%s: 'args' of '%s' must be a non-empty mapping" % (where, name))
        for idx, a in e["args"].items():
            if not re.match(r"^[0-9]+$", idx):
                raise Error("%s: bad argument index '%s' in '%s'" % (where, idx, name))
            effect(a, "argument " + idx)
    if "varargs" in e:
        effect(e["varargs"], "varargs", allow_acquires=False)
    return e


def read_overrides(path):
    ov = {"resource": {}, "functions": {}, "non_owning": {}, "expect": {},
          "skip": {}, "accepts_null": {}, "object_types": {}}
    section = None
    pending = []  # comment lines right above the next entry
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    for lineno, raw in enumerate(lines, 1):
        where = "%s:%d" % (path, lineno)
        if not raw.strip():
            pending = []
            continue
        if raw.lstrip().startswith("#"):
            if raw.startswith("  ") or section is not None:
                pending.append(raw.strip()[1:].strip())
            continue
        if not raw.startswith(" "):
            m = re.match(r"^(\w+):\s*(#.*)?$", raw)
            if not m or m.group(1) not in ov:
                raise Error("%s: expected one of the sections %s"
                            % (where, ", ".join(sorted(ov))))
            section = m.group(1)
            pending = []
            continue
        if section is None or not raw.startswith("  ") or raw.startswith("   "):
            raise Error("%s: entries are indented by two spaces, under a section"
                        % where)
        body, comment = split_comment(raw[2:])
        why = comment or (pending[-1] if pending else "")
        pending = []
        if section == "resource":
            k, sep, v = body.partition(":")
            if not sep or k not in ("description", "release", "null_release"):
                raise Error("%s: expected description, release or null_release" % where)
            ov["resource"][k] = parse_flow(v.strip(), where)
            continue
        if not why:
            raise Error("%s: this entry needs a comment saying why" % where)
        if section in ("non_owning", "skip"):
            if not body.startswith("- ") or not NAME.match(body[2:].strip()):
                raise Error("%s: expected '- FunctionName'" % where)
            name = body[2:].strip()
            if name in ov[section]:
                raise Error("%s: '%s' is listed twice" % (where, name))
            ov[section][name] = (why, where)
            continue
        name, sep, v = body.partition(":")
        name = name.strip()
        if not sep or not NAME.match(name):
            raise Error("%s: expected 'FunctionName: {...}'" % where)
        if name in ov[section]:
            raise Error("%s: '%s' is listed twice" % (where, name))
        if section == "object_types":
            t = parse_flow(v.strip(), where)
            if (not isinstance(t, dict) or len(t) != 1
                    or list(t)[0] not in ("result", "tests")
                    or not isinstance(list(t.values())[0], str)
                    or not NAME.match(list(t.values())[0])):
                raise Error("%s: expected 'FunctionName: {result: TYPE}' or "
                            "'MacroName: {tests: TYPE}'" % where)
            ov[section][name] = (t, why, where)
            continue
        if section == "accepts_null":
            params = parse_flow(v.strip(), where)
            if (not isinstance(params, list) or not params
                    or not all(isinstance(x, str) for x in params)):
                raise Error("%s: expected 'FunctionName: [param, ...]'" % where)
            ov[section][name] = (params, why, where)
            continue
        entry = validate_entry(name, parse_flow(v.strip(), where), where)
        ov[section][name] = (entry, why, where)
    res = ov["resource"]
    for k in ("description", "release"):
        if k not in res:
            raise Error("%s: the resource section needs '%s'" % (path, k))
    if not isinstance(res["release"], list) or not res["release"]:
        raise Error("%s: 'release' must be a non-empty list" % path)
    if res.get("null_release", "ok") not in ("ok", "error"):
        raise Error("%s: null_release must be ok or error" % path)
    seen = {}
    for sec in ("functions", "non_owning", "skip"):
        for name in ov[sec]:
            if name in seen:
                raise Error("%s: '%s' is in both '%s' and '%s'"
                            % (path, name, seen[name], sec))
            seen[name] = sec
    for name in res["release"]:
        if name in seen:
            raise Error("%s: releaser '%s' is also in '%s'" % (path, name, seen[name]))
    return ov


# --- output ------------------------------------------------------------------

def flow(v):
    if isinstance(v, dict):
        return "{" + ", ".join("%s: %s" % (k, flow(x)) for k, x in v.items()) + "}"
    if isinstance(v, list):
        return "[" + ", ".join(flow(x) for x in v) + "]"
    if re.match(r"^[A-Za-z0-9_.\-/]+$", v) and v not in ("null", "~"):
        return v
    return '"%s"' % v


def canonical(e):
    """The entry with its keys in one order, so that output is stable."""
    out = {}
    if "returns" in e:
        r = e["returns"]
        kind = "owned" if "owned" in r else "borrowed"
        out["returns"] = {kind: r[kind]}
        if r.get("null_on_failure") == "true":
            out["returns"]["null_on_failure"] = "true"
    if "success" in e:
        out["success"] = e["success"]
    if "failure" in e:
        out["failure"] = e["failure"]
    if "interior" in e:
        out["interior"] = e["interior"]
    if e.get("checks_exception") == "true":
        out["checks_exception"] = "true"
    if e.get("raises_on_failure") == "false":
        out["raises_on_failure"] = "false"
    if "fails_on_null" in e:
        out["fails_on_null"] = e["fails_on_null"]

    def eff(a):
        kind = [k for k in a if k in EFFECTS][0]
        o = {kind: a[kind]}
        if a.get("when", "always") != "always":
            o["when"] = a["when"]
        if "null_with" in a:
            o["null_with"] = a["null_with"]
        return o

    if "args" in e:
        out["args"] = {k: eff(e["args"][k]) for k in sorted(e["args"], key=int)}
    if "varargs" in e:
        out["varargs"] = eff(e["varargs"])
    if "format" in e:
        f = e["format"]
        out["format"] = {"arg": f["arg"], "style": f["style"],
                         "resource": f["resource"]}
    return out


def wrap_list(names, indent="  ", width=79):
    lines, cur = [], indent
    for i, n in enumerate(names):
        item = n + ("," if i + 1 < len(names) else " ]")
        if len(cur) + len(item) + 1 > width and cur.strip():
            lines.append(cur.rstrip())
            cur = indent
        cur += item + " "
    lines.append(cur.rstrip())
    return lines


def generate(refcounts_path, overrides_path):
    rc = read_refcounts(refcounts_path)
    ov = read_overrides(overrides_path)
    with open(refcounts_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    releasers = ov["resource"]["release"]

    # Assertions about what refcounts.dat says.
    problems = []
    for name, (entry, why, where) in sorted(ov["expect"].items()):
        if name not in rc:
            problems.append("%s: refcounts.dat does not list '%s'" % (where, name))
        elif canonical(entry_from_refcounts(rc[name])) != canonical(entry):
            problems.append("%s: refcounts.dat gives '%s' %s, not %s"
                            % (where, name, flow(canonical(entry_from_refcounts(
                                rc[name]))) or "{}", flow(canonical(entry))))
    decided = set(ov["functions"]) | set(ov["non_owning"]) | set(ov["skip"]) | \
        set(releasers)
    for name in sorted(rc):
        if name in decided:
            continue
        for what in needs_review(rc[name]):
            problems.append("%s: '%s': %s in refcounts.dat; decide it in the "
                            "overrides" % (overrides_path, name, what))
    if problems:
        raise Error("\n".join(problems))

    # Object arguments reject NULL (the C API's rule: "functions that take
    # object references as arguments do not expect NULL" unless their
    # documentation says otherwise); the overrides list the exceptions.
    rejects = {}
    for name, info in rc.items():
        idx = [i for i, (ctype, _, _) in enumerate(info["args"])
               if OBJECT_TYPE.match(ctype.strip())]
        if idx:
            rejects[name] = idx
    for name, (params, why, where) in ov["accepts_null"].items():
        if name not in rc:
            problems.append("%s: refcounts.dat does not list '%s'" % (where, name))
            continue
        names = [p for _, p, _ in rc[name]["args"]]
        for p in params:
            i = names.index(p) if p in names else -1
            if i < 0 or i not in rejects.get(name, []):
                problems.append("%s: '%s' has no object argument '%s' in "
                                "refcounts.dat" % (where, name, p))
            else:
                rejects[name].remove(i)
        if not rejects.get(name):
            rejects.pop(name, None)
    if problems:
        raise Error("\n".join(problems))

    # Object types: what a function's success always returns, and the
    # macros that test for a type.
    result_types, type_tests = {}, {}
    for name, (t, why, where) in sorted(ov["object_types"].items()):
        if "result" in t:
            if name not in rc or "owned" not in (
                    entry_from_refcounts(rc[name]) or {}).get("returns", {}):
                problems.append("%s: '%s' is no function refcounts.dat gives "
                                "a new reference" % (where, name))
            result_types[name] = t["result"]
        else:
            type_tests[name] = (t["tests"], why)
    tested = {t for t, _ in type_tests.values()}
    for name, t in sorted(result_types.items()):
        if t not in tested:
            problems.append("%s: no macro of object_types tests for '%s'"
                            % (ov["object_types"][name][2], t))
    if problems:
        raise Error("\n".join(problems))

    def with_rejects(name, e):
        if name in rejects or name in result_types:
            e = dict(e)
        if name in rejects:
            e["rejects_null"] = [str(i) for i in rejects[name]]
        if name in result_types:
            e["result_type"] = result_types[name]
        if name in type_tests:
            e = dict(e)
            e["tests_type"] = type_tests[name][0]
        return e

    owned, borrowed, non_owning = {}, {}, set()
    for name, info in rc.items():
        if name in ov["skip"] or name in releasers:
            continue
        e = entry_from_refcounts(info)
        if not e:
            non_owning.add(name)
        elif "owned" in e["returns"]:
            owned[name] = e
        else:
            borrowed[name] = e
    reviewed = {}
    for name, (entry, why, where) in ov["functions"].items():
        owned.pop(name, None)
        borrowed.pop(name, None)
        non_owning.discard(name)
        if entry:
            reviewed[name] = (canonical(entry), why)
        else:
            non_owning.add(name)
    for name in ov["non_owning"]:
        owned.pop(name, None)
        borrowed.pop(name, None)
        non_owning.add(name)

    res = ov["resource"]
    out = []
    w = out.append
    w("# GENERATED FILE: do not edit it by hand.")
    w("# Generated by `python3 contracts/cpython/generate.py` from CPython's")
    w("# Doc/data/refcounts.dat (sha256 %s)" % digest)
    w("# and the reviewed overrides in contracts/cpython/overrides.yaml. To change")
    w("# it, edit the overrides (or the generator) and run the command again;")
    w("# test/contracts/cpython-generated.test fails when this file is stale.")
    w("#")
    w("# Built-in contract: CPython's C API (Python.h), reference counts.")
    w("#  - 'pyobject' is a strong reference. Py_DECREF does not accept NULL, but")
    w("#    Py_XDECREF and Py_DecRef do, and null_release is per resource: it is")
    w("#    'ok' here; Py_DECREF's own entry rejects NULL instead (rejects_null).")
    w("#  - Results: refcounts.dat +1 is an owned result (NULL on failure), 0 a")
    w("#    borrowed one. Argument effects (steals, out-parameters, retains) come")
    w("#    only from the overrides: refcounts.dat is wrong about stolen arguments.")
    w("#  - Everything else refcounts.dat lists only uses its arguments (non_owning),")
    w("#    including the functions that keep an argument with a reference of their")
    w("#    own (PyList_Append, PyDict_SetItem, PyObject_SetAttr ...).")
    w("#  - Py_CLEAR, Py_SETREF and Py_XSETREF are macros over a temporary and")
    w("#    Py_DECREF; Py_NewRef and Py_XNewRef are macros over _Py_NewRef and")
    w("#    _Py_XNewRef; with PY_SSIZE_T_CLEAN, Py_BuildValue, PyArg_ParseTuple ...")
    w("#    are macros over their _SizeT functions: both names have entries.")
    w("#  - Object arguments (PyObject *, PyTypeObject * ...) must not be NULL, the")
    w("#    C API's general rule: 'rejects_null' lists them for every function")
    w("#    refcounts.dat types, less those the overrides' accepts_null section")
    w("#    documents as taking NULL (kwargs, deleting setters, error chains).")
    w("#  - 'result_type' says what a success always returns (PyObject_Str: a")
    w("#    str); the type tests ('tests_type', PyUnicode_Check) are then true.")
    w("#  - A failure (a NULL result, or one outside 'success') sets an exception,")
    w("#    unless the entry says 'raises_on_failure: false' (PyIter_Next).")
    w("version: 1")
    w("library: cpython")
    w("# Findings are reported as cpython-missing-decref, cpython-double-decref,")
    w("# cpython-use-after-decref, cpython-borrowed-decref,")
    w("# cpython-return-borrowed and cpython-null-argument.")
    w("checks: cpython")
    w("# One line: custody reads it without parsing the file.")
    w("headers: [Python.h]")
    w("# The C API's convention: a function that returns PyObject * returns a new")
    w("# reference, or NULL with an exception set. It applies to functions without")
    w("# a contract here and without a body in the file; an entry for the function")
    w("# in a user's contract wins, and 'default_returns: none' in a user's")
    w("# contract turns it off.")
    w("default_returns:")
    w("  - {type: PyObject, owned: %s, null_on_failure: true}" % RESOURCE)
    w("")
    w("resources:")
    w("  %s:" % RESOURCE)
    w("    description: %s" % flow(res["description"]))
    w("    release: %s" % flow(releasers))
    w("    null_release: %s" % res.get("null_release", "ok"))
    w("")
    w("functions:")
    w("  # --- Reviewed entries (contracts/cpython/overrides.yaml) ---------------")
    for name in sorted(reviewed):
        entry, why = reviewed[name]
        w("  # %s" % why)
        w("  %s: %s" % (name, flow(with_rejects(name, entry))))
    w("")
    w("  # --- New references (refcounts.dat: +1) -------------------------------")
    for name in sorted(owned):
        w("  %s: %s" % (name, flow(with_rejects(name, canonical(owned[name])))))
    w("")
    w("  # --- Borrowed references (refcounts.dat: 0) ---------------------------")
    for name in sorted(borrowed):
        w("  %s: %s" % (name, flow(with_rejects(name, canonical(borrowed[name])))))
    w("")
    w("  # --- Only use their arguments, which must not be NULL -----------------")
    for name in sorted(n for n in non_owning | set(releasers)
                       if n in rejects and n not in ov["skip"]):
        w("  %s: %s" % (name, flow(with_rejects(name, {}))))
    w("")
    # Type tests without an entry above ('tests_type' of those is there).
    alone = [n for n in sorted(type_tests)
             if n not in reviewed and n not in owned and n not in borrowed
             and not (n in rejects and n in non_owning | set(releasers))]
    if alone:
        w("  # --- Type tests: true for an object of the type or a subtype -------")
    for name in alone:
        non_owning.discard(name)
        t, why = type_tests[name]
        w("  # %s" % why)
        w("  %s: %s" % (name, flow({"tests_type": t})))
    if alone:
        w("")
    w("# Functions that only use their arguments: refcounts.dat entries with no")
    w("# result reference, and the overrides' non_owning list.")
    plain = sorted(n for n in non_owning if n not in rejects)
    if plain:
        w("non_owning: [")
        out.extend(wrap_list(plain))
    else:
        w("non_owning: []")
    w("")
    text = "\n".join(out)

    stats = {
        "owned returns": len(owned) + sum(
            1 for e, _ in reviewed.values() if "owned" in e.get("returns", {})),
        "borrowed returns": len(borrowed) + sum(
            1 for e, _ in reviewed.values() if "borrowed" in e.get("returns", {})),
        "steals (consumes)": sum(
            1 for e, _ in reviewed.values()
            for a in list(e.get("args", {}).values()) + [e.get("varargs", {})]
            if "consumes" in a),
        "out-parameters (acquires)": sum(
            1 for e, _ in reviewed.values()
            for a in e.get("args", {}).values() if "acquires" in a),
        "retains": sum(1 for e, _ in reviewed.values()
                       for a in e.get("args", {}).values() if "retains" in a),
        "non_owning": len(non_owning),
        "releasers": len(releasers),
    }
    return text, stats


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--refcounts", default=DEFAULT_REFCOUNTS,
                    help="CPython's Doc/data/refcounts.dat (default: %(default)s)")
    ap.add_argument("--overrides", default=DEFAULT_OVERRIDES)
    ap.add_argument("--output", default=DEFAULT_OUTPUT)
    ap.add_argument("--check", action="store_true",
                    help="exit 1 if --output differs from what would be generated")
    ap.add_argument("--stats", action="store_true", help="print entry counts")
    args = ap.parse_args()

    if not os.path.isfile(args.refcounts):
        if args.check:
            print("generate.py: %s does not exist; nothing to check" % args.refcounts)
            return 0
        print("generate.py: error: cannot read %s" % args.refcounts, file=sys.stderr)
        return 2
    try:
        text, stats = generate(args.refcounts, args.overrides)
    except (Error, OSError, UnicodeDecodeError) as e:
        print("generate.py: error: %s" % e, file=sys.stderr)
        return 2
    if args.stats:
        for k, v in stats.items():
            print("%s: %d" % (k, v))
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except OSError as e:
            print("generate.py: error: %s" % e, file=sys.stderr)
            return 1
        if current != text:
            sys.stderr.writelines(difflib.unified_diff(
                current.splitlines(True), text.splitlines(True),
                args.output, "generated", n=1))
            print("generate.py: %s is stale: run python3 "
                  "contracts/cpython/generate.py" % args.output, file=sys.stderr)
            return 1
        print("generate.py: %s is up to date" % args.output)
        return 0
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
