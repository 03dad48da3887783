"""alogexp.env - env.txt: what the figures of a results folder depend
on.  CPU model, cores, memory, kernel, clocksource, governor (where
readable), compiler and flags of the build, git commit, Open MPI and
OpenMP versions, the load average before and after, and the command line.
Everything unreadable is written as 'unknown', never guessed.
"""
import os
import platform
import resource
import shutil
import subprocess


def read(path, default="unknown"):
    try:
        with open(path) as f:
            return f.read().strip() or default
    except OSError:
        return default


def first_line(argv, cwd=None):
    """The first line of argv's output; 'unknown' when it cannot run."""
    if not shutil.which(argv[0]):
        return "unknown"
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=20,
                           cwd=cwd, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    lines = (p.stdout or p.stderr).strip().splitlines()
    return lines[0].strip() if lines and p.returncode == 0 else "unknown"


def cpu_model():
    for line in read("/proc/cpuinfo", "").splitlines():
        if line.startswith(("model name", "Model", "cpu model")):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def mem_total():
    for line in read("/proc/meminfo", "").splitlines():
        if line.startswith("MemTotal:"):
            kb = int(line.split()[1])
            return f"{kb / 1048576:.1f} GiB"
    return "unknown"


def cmake_cache(build, *keys):
    """{key: value} of the build's CMakeCache.txt."""
    out = {}
    for line in read(os.path.join(build, "CMakeCache.txt"), "").splitlines():
        name, _, value = line.partition("=")
        name = name.split(":")[0]
        if name in keys:
            out[name] = value
    return out


def git_commit(root):
    commit = first_line(["git", "rev-parse", "HEAD"], cwd=root)
    if commit == "unknown":
        return commit
    p = subprocess.run(["git", "status", "--porcelain",
                        "--untracked-files=no"], capture_output=True,
                       text=True, cwd=root)
    return commit + (" (with local changes)" if p.stdout.strip() else "")


def loadavg():
    return " ".join(read("/proc/loadavg").split()[:3])


def describe(root, build, command, extra):
    """env.txt's lines (key: value) before the runs; extra: more pairs."""
    cache = cmake_cache(build, "CMAKE_C_COMPILER", "CMAKE_C_FLAGS",
                        "CMAKE_BUILD_TYPE", "ALOG_SANITIZE")
    cc = cache.get("CMAKE_C_COMPILER", "cc")
    build_type = cache.get("CMAKE_BUILD_TYPE") or "(none: the project's "\
        "default)"
    cpu0 = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"
    pairs = [
        ("command", command),
        ("host", platform.node()),
        ("cpu", cpu_model()),
        ("cores", str(os.cpu_count())),
        ("memory", mem_total()),
        ("kernel", f"{platform.system()} {platform.release()} "
                   f"{platform.machine()}"),
        ("clocksource", read("/sys/devices/system/clocksource/clocksource0/"
                             "current_clocksource")),
        ("governor", read(cpu0)),
        ("compiler", f"{cc}: {first_line([cc, '--version'])}"),
        ("build", f"{build}, type {build_type}, CMAKE_C_FLAGS "
                  f"'{cache.get('CMAKE_C_FLAGS', '')}', sanitizer "
                  f"'{cache.get('ALOG_SANITIZE', '')}'"),
        ("git", git_commit(root)),
        ("openmpi", first_line(["mpirun", "--version"])),
        ("python", first_line([extra.pop("python_exe", "python3"),
                               "--version"])),
        ("load_before", loadavg()),
    ]
    return pairs + list(extra.items())


def write(path, pairs):
    with open(path, "w") as f:
        for k, v in pairs:
            f.write(f"{k}: {v}\n")


def max_producers(cap=4096):
    """The most producers this machine's limits allow (open files: a pipe
    per producer and the collector's own; processes and threads of this
    user), at most cap."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    nproc, _ = resource.getrlimit(resource.RLIMIT_NPROC)
    limits = [cap]
    if soft != resource.RLIM_INFINITY:
        limits.append((soft - 64) // 2)
    if nproc != resource.RLIM_INFINITY:
        limits.append(nproc // 2)
    for path in ("/proc/sys/kernel/threads-max", "/proc/sys/kernel/pid_max"):
        try:
            limits.append(int(read(path, "0")) // 4 or cap)
        except ValueError:
            pass
    return max(1, min(limits))


def read_pairs(path):
    """env.txt's pairs back as a dict ('' for a missing file)."""
    out = {}
    for line in read(path, "").splitlines():
        k, sep, v = line.partition(": ")
        if sep:
            out[k] = v
    return out
