"""alogexp.smpi - alog-mpi on simulated clusters (SimGrid's SMPI): the
platform of a cluster shape, the SMPI settings, one simulated run.

The platform is one SimGrid <cluster>: H hosts of K cores, each host's
ranks talking through its loopback (shared memory: the latency and
bandwidth measured with Open MPI's shared memory here), hosts through
their private links (TCP between the virtual cluster's hosts).  A route
between two hosts crosses two private links, so each gets half the
measured one-way latency.  The network factors are 1: the platform's
figures mean what was measured.

Compute is simulated (smpi/simulate-computation): every stretch of real
CPU time between two MPI calls is run again on a simulated host as fast
as this machine's cores (host speed = smpi/host-speed), so rank 0's own
work per record (decode, store) costs what it costs here.  What SMPI
does not model, the MPI library's own work per message, is injected as
a receive overhead per message (smpi/or) and a send overhead (smpi/os,
smpi/ois), the calibration's per-message figures (doc/scale.md).
"""
import math
import os
import re
import shutil
import subprocess

# Host speed of the simulated cores and of the benchmarked real CPU: the
# same number, so that one second of real CPU is one simulated second.
SPEED = 1e9

# The settings every simulated run gets (beyond the calibration's).
BASE_CFG = (
    # alog keeps no writable globals (doc/scale.md): no per-rank copies
    # of the binary, which would cost 4096 dlopen()s at start.
    "smpi/privatization:no",
    # Fast context switches; stacks small enough for 4096 ranks.
    "contexts/factory:raw",
    "contexts/stack-size:512",
    # Every stretch of CPU counts, however short (rank 0 stores a record
    # in well under the default 1 us threshold).
    "smpi/cpu-threshold:-1",
    # The platform's figures are the measured ones: no SMPI correction.
    "smpi/bw-factor:0:1",
    "smpi/lat-factor:0:1",
    # Messages above 64 KiB rendezvous, as Open MPI's eager limits do
    # at most.
    "smpi/send-is-detached-thresh:65536",
    "smpi/display-timing:yes",
    "smpi/host-speed:%gf" % SPEED,
)

# Defaults when there is no calibration file (the figures this machine
# gave on 2026-12-07, doc/scale.md): s, B/s, s per message.
DEFAULT_CAL = {
    "shm_lat_s": 0.5e-6, "shm_bw_Bps": 5e9,
    "tcp_lat_s": 20e-6, "tcp_bw_Bps": 1.5e9,
    "recv_msg_s": 0.3e-6, "send_msg_s": 0.3e-6,
    "model_msg_s": 0.6e-6, "model_rec_s": 0.05e-6, "cores": 2,
}


def smpirun():
    """smpirun's path, or None."""
    return shutil.which("smpirun")


def smpi_version():
    """'SimGrid version 3.32' or 'unknown'."""
    exe = smpirun()
    if not exe:
        return "unknown"
    try:
        out = subprocess.run([exe, "-version"], capture_output=True,
                             text=True, timeout=10).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.strip().splitlines()[0] if out.strip() else "unknown"


def hosts_for(ranks, per_host):
    return max(1, math.ceil(ranks / per_host))


def platform_xml(cal, hosts, per_host):
    """The platform of `hosts` hosts of `per_host` cores, from the
    calibration cal (a dict like DEFAULT_CAL)."""
    return f"""<?xml version='1.0'?>
<!DOCTYPE platform SYSTEM "https://simgrid.org/simgrid.dtd">
<!-- alog scripts/simulate: {hosts} hosts x {per_host} cores, calibrated
     on this machine (shared memory inside a host, TCP between hosts) -->
<platform version="4.1">
  <cluster id="alog" prefix="node" suffix="" radical="0-{hosts - 1}"
           speed="{SPEED:g}f" core="{per_host}"
           bw="{cal['tcp_bw_Bps']:.6g}Bps" lat="{cal['tcp_lat_s'] / 2:.6g}s"
           loopback_bw="{cal['shm_bw_Bps']:.6g}Bps"
           loopback_lat="{cal['shm_lat_s']:.6g}s"/>
</platform>
"""


def hostfile(ranks, per_host):
    """One line per rank: ranks 0..K-1 on node0, the next K on node1..."""
    return "".join(f"node{r // per_host}\n" for r in range(ranks))


def overhead_cfg(cal):
    """The per-message overheads SMPI injects (size:intercept:slope)."""
    return (f"smpi/or:0:{cal['recv_msg_s']:.6g}:0",
            f"smpi/os:0:{cal['send_msg_s']:.6g}:0",
            f"smpi/ois:0:{cal['send_msg_s']:.6g}:0")


def write_shape(folder, cal, ranks, per_host):
    """Write the platform and hostfile of a shape; their paths."""
    os.makedirs(folder, exist_ok=True)
    hosts = hosts_for(ranks, per_host)
    plat = os.path.join(folder, f"platform-{hosts}x{per_host}.xml")
    hf = os.path.join(folder, f"hosts-{ranks}-{per_host}.txt")
    with open(plat, "w") as f:
        f.write(platform_xml(cal, hosts, per_host))
    with open(hf, "w") as f:
        f.write(hostfile(ranks, per_host))
    return plat, hf


def command(exe, ranks, plat, hf, cal, args, extra_cfg=()):
    """The argv of one simulated run of alog-mpi (or alog-ref-mpi)."""
    cfg = [f"--cfg={c}" for c in BASE_CFG + overhead_cfg(cal)
           + tuple(extra_cfg)]
    return [smpirun() or "smpirun", "-np", str(ranks), "-platform", plat,
            "-hostfile", hf, *cfg, "--log=root.thres:warning",
            "--log=smpi_config.thres:warning", exe, *args]


_TIMING = re.compile(r"Simulated time: ([0-9.e+-]+) seconds.*?"
                     r"simulation took ([0-9.e+-]+) seconds", re.S)


def timing(err):
    """(simulated s, real s of the simulation) from smpirun's stderr
    (smpi/display-timing), NaN where it said nothing."""
    m = _TIMING.search(err)
    if not m:
        return math.nan, math.nan
    return float(m.group(1)), float(m.group(2))
