#!/usr/bin/env python3
"""man_check.py BUILD - the man pages the build wrote (BUILD/man/*.1,
scripts/man.cmake) against the programs' --help: each renders with
`groff -ww -man -Tutf8 -z` without a warning, states every option --help
states with the same text (and no other), and the exit statuses --help
names.  Exit 0, 1 naming each difference, or 77 (skipped) without
groff."""
import os
import re
import shutil
import subprocess
import sys

PROGRAMS = {"alog-async": "", "alog-producer": "", "alog-mpi": "mpi",
            "alog-omp": "omp"}
HELP_COL = 29  # options_help.c's USAGE_COL
UNESCAPE = (("\\-", "-"), ("\\(aq", "'"), ("\\(ga", "`"), ("\\&", ""),
            ("\\fB", ""), ("\\fI", ""), ("\\fR", ""), ("\\e", "\\"))


def words(text):
    return " ".join(text.split())


def unroff(line):
    for a, b in UNESCAPE:
        line = line.replace(a, b)
    return line


def help_options(text):
    """{--name: its text} from --help."""
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^  (?:-\w, |    )--([\w-]+)", line)
        if m:
            name = m.group(1)
            # an option whose name and argument reach the text column
            # (--clock monotonic|tsc|auto) has its text on the next line
            fits = len(line) > HELP_COL and line[HELP_COL - 1] == " "
            out[name] = line[HELP_COL:] if fits else ""
        elif name and line.startswith(" " * HELP_COL):
            out[name] += " " + line.strip()
        else:
            name = None
    return {k: words(v) for k, v in out.items()}


def man_options(page):
    """{--name: its text} of the page's .TP items under OPTIONS."""
    lines = page.splitlines()
    out, section = {}, ""
    for i, line in enumerate(lines):
        if line.startswith(".SH"):
            section = line
        if section == ".SH OPTIONS" and line == ".TP":
            m = re.search(r"--([\w-]+)", unroff(lines[i + 1]))
            out[m.group(1)] = words(unroff(lines[i + 2]))
    return out


def man_statuses(page):
    """['0 ok', ...] of EXIT STATUS."""
    m = re.search(r'\.SH "EXIT STATUS"\n(.*?)\n\.SH', page, re.S)
    items = re.findall(r"\.TP\n\.B (\d+)\n(.*)", m.group(1)) if m else []
    return [f"{code} {unroff(what)}" for code, what in items]


def check(build, prog, sub, bad):
    path = os.path.join(build, "man", prog + ".1")
    exe = os.path.join(build, sub, prog)
    if not os.access(exe, os.X_OK):
        if os.path.exists(path):
            bad.append(f"{prog}.1 written, but no {exe}")
        return 0
    r = subprocess.run(["groff", "-ww", "-man", "-Tutf8", "-z", path],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stderr:
        bad.append(f"{prog}.1: groff -ww: {r.stderr.strip() or r.returncode}")
    page = open(path).read()
    h = subprocess.run([exe, "--help"], capture_output=True, text=True)
    if h.returncode != 0:
        bad.append(f"{prog} --help: exit {h.returncode}: {h.stderr.strip()}")
        return 1
    want, got = help_options(h.stdout), man_options(page)
    for name in sorted(set(want) | set(got)):
        if want.get(name) != got.get(name):
            bad.append(f"{prog}: --{name}: --help says {want.get(name)!r}, "
                       f"the man page {got.get(name)!r}")
    statuses = man_statuses(page)
    sentence = words(h.stdout[h.stdout.find("Exit status:"):])
    if not statuses:
        bad.append(f"{prog}.1: no EXIT STATUS items")
    for s in statuses:
        if s not in sentence:
            bad.append(f"{prog}.1: exit status '{s}' is not in --help's "
                       f"'{sentence[:120]}'")
    for section in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS",
                    '"EXIT STATUS"', "ENVIRONMENT", "EXAMPLES",
                    '"SEE ALSO"'):
        if f"\n.SH {section}\n" not in page:
            bad.append(f"{prog}.1: no section {section}")
    if "\n.B ALOG_PRODUCER\n" not in page:
        bad.append(f"{prog}.1: ENVIRONMENT lacks the test hook ALOG_PRODUCER")
    print(f"man_check: {prog}.1: {len(got)} options as --help states them")
    return 1


def main(build):
    if shutil.which("groff") is None:
        print("man_check: skipped: no groff here (apt-get install groff-base)")
        return 77
    bad = []
    pages = sum(check(build, p, s, bad) for p, s in PROGRAMS.items())
    for b in bad:
        print(f"man_check: {b}", file=sys.stderr)
    if pages == 0:
        print("man_check: no program built", file=sys.stderr)
        return 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
