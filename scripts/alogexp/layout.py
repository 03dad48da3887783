"""alogexp.layout - where the programs are: a build tree (build/,
build/omp/, build/mpi/, build/scripts/ref/), or, in an installed alog
(scripts/install.cmake), the folders that scripts/layout names, as lib.sh
reads them.  An installed alog builds nothing; --build DIR or ALOG_BUILD
still picks a build tree.
"""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


def installed():
    """{"bin": folder, "libexec": folder} of an installed alog, or None in
    a source tree."""
    here = os.path.join(ROOT, "scripts")
    try:
        with open(os.path.join(here, "layout")) as f:
            pairs = dict(line.strip().split("=", 1) for line in f
                         if "=" in line and not line.startswith("#"))
    except OSError:
        return None
    return {k: os.path.normpath(os.path.join(here, v))
            for k, v in pairs.items()}


def default_build():
    """The build tree when none is named: none ("") when installed."""
    return "" if installed() else os.path.join(ROOT, "build")


def program(build, name):
    """The path of program `name` in build, or installed when build is
    ""."""
    if not build:
        where = installed() or {}
        key = "libexec" if name.startswith("alog-ref-") else "bin"
        return os.path.join(where.get(key, ""), name)
    sub = {"alog-omp": "omp", "alog-mpi": "mpi"}.get(name, "")
    if name.startswith("alog-ref-"):
        sub = os.path.join("scripts", "ref")
    return os.path.join(build, sub, name)
