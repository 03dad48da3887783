"""alogexp.calibrate - `simulate calibrate` and `simulate validate`.

calibrate measures this machine with the real Open MPI and writes the
figures (BUILD/smpi/calibration.json) and a platform (platform.xml):
  * ping-pong latency and bandwidth with alog-ref-mpi over shared memory
    (2 ranks here) and over TCP between two hosts of the virtual cluster
    (scripts/cluster up --hosts 3), or over loopback TCP (--mca btl
    tcp,self) when no cluster can be made;
  * rank 0's cost per message and per record from two unthrottled
    alog-mpi runs of one producer (--batch 1 and --batch 64): 1/r1 =
    c_msg + c_rec, 1/r64 = c_msg/64 + c_rec (an upper bound: with one
    producer on its own core the slower side sets the rate);
  * the MPI library's own cost per message that SMPI does not model: the
    same unthrottled --batch 1 run simulated with no overhead, the
    difference of the two per-record times (injected as smpi/or, os, ois).
validate runs np = 2, 3, 4 here and simulated on one host of this
machine's cores: records/s unthrottled, latency p50 paced at 100 Hz and
1 kHz; the ratio simulated / real and whether it lies within +-25%.
"""
import json
import math
import os
import subprocess

from . import runner, smpi
from .cli import Usage
from .report import Report, figures, num

ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1",
           OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
MPIRUN = ["mpirun", "-q", "--oversubscribe", "--mca", "pml", "ob1",
          "--mca", "mpi_yield_when_idle", "1"]
UNTHROTTLED = 200000  # records of the unthrottled runs, all producers


def _keys(text):
    out = {}
    for line in text.splitlines():
        k, eq, v = line.partition("=")
        if eq and not line.startswith("#"):
            out[k.strip()] = v.strip()
    return out


def _run(argv, timeout=300, env=ENV):
    code, out, err, _ = runner.run_process(argv, timeout, env)
    if code != 0:
        raise RuntimeError(f"{' '.join(argv[:6])}...: exit {code}: "
                           f"{runner.last_error(err, code)}")
    return out, err


def ref_link(ref, launch):
    """(one-way latency s, bandwidth B/s) of alog-ref-mpi between 2 ranks."""
    out, _ = _run(launch + [ref, "--size", "8", "--iters", "200",
                            "--pp-iters", "20000"])
    lat = num(_keys(out).get("ref_oneway_p50_ns")) * 1e-9
    size = 1 << 20
    out, _ = _run(launch + [ref, "--size", str(size), "--window", "8",
                            "--iters", "100", "--warmup", "10",
                            "--pp-iters", "0"])
    bw = num(_keys(out).get("ref_msgs_per_s")) * size
    return lat, bw


def tcp_launch(root, use_cluster):
    """(mpirun words for 2 ranks over TCP, what they are)."""
    cluster = os.path.join(root, "scripts", "cluster")
    if use_cluster:
        p = subprocess.run([cluster, "up", "--hosts", "3"],
                           capture_output=True, text=True, env=ENV)
        if p.returncode == 0:
            return [cluster, "mpirun", "-q", "--map-by", "node",
                    "--bind-to", "none", "-np", "2"], "cluster"
        why = (p.stderr.strip().splitlines() or ["?"])[-1]
        print(f"simulate: no virtual cluster ({why}): loopback TCP instead")
    return MPIRUN + ["--mca", "btl", "tcp,self", "-np", "2"], "loopback"


def mpi_rate(build, np, args, launch=None):
    """records/s of a real alog-mpi run, and its figures."""
    exe = os.path.join(build, "mpi", "alog-mpi")
    launch = launch or MPIRUN + ["-np", str(np)]
    out, _ = _run(launch + [exe, *args, "--format", "csv", "-q"])
    rate = 0
    if "--rate" in args:
        rate = float(args[args.index("--rate") + 1])
    return figures("log", np - 1, rate, out)


def sim_rate(build, cal, np, per_host, args, folder):
    exe = os.path.join(build, "smpi", "mpi", "alog-mpi")
    plat, hf = smpi.write_shape(folder, cal, np, per_host)
    out, err = _run(smpi.command(exe, np, plat, hf, cal,
                                 [*args, "--format", "csv", "-q"]), 900,
                    dict(os.environ))
    rate = float(args[args.index("--rate") + 1]) if "--rate" in args else 0
    return figures("log", np - 1, rate, out)


def unthrottled(np, batch):
    return ["--collect", "async", "--batch", str(batch), "--interval", "0",
            "--count", str(UNTHROTTLED // (np - 1))]


def calibrate(build, root, use_cluster, out_path):
    cores = os.cpu_count() or 2
    ref = os.path.join(build, "scripts", "ref", "alog-ref-mpi")
    shm_lat, shm_bw = ref_link(ref, MPIRUN + ["-np", "2"])
    launch, kind = tcp_launch(root, use_cluster)
    try:
        tcp_lat, tcp_bw = ref_link(ref, launch)
    finally:
        if kind == "cluster":
            subprocess.run([os.path.join(root, "scripts", "cluster"), "down"],
                           capture_output=True, env=ENV)
    r1 = num(mpi_rate(build, 2, unthrottled(2, 1)).get("records_per_s"))
    r64 = num(mpi_rate(build, 2, unthrottled(2, 64)).get("records_per_s"))
    c_msg = max((1 / r1 - 1 / r64) * 64 / 63, 0.0)
    c_rec = max(1 / r1 - c_msg, 1e-9)
    cal = {"cores": cores, "shm_lat_s": shm_lat, "shm_bw_Bps": shm_bw,
           "tcp_lat_s": tcp_lat, "tcp_bw_Bps": tcp_bw, "tcp_kind": kind,
           "real_rate_batch1": r1, "real_rate_batch64": r64,
           "model_msg_s": c_msg, "model_rec_s": c_rec,
           "recv_msg_s": 0.0, "send_msg_s": 0.0}
    folder = os.path.dirname(out_path)
    s1 = num(sim_rate(build, cal, 2, cores, unthrottled(2, 1),
                      folder).get("records_per_s"))
    extra = max(1 / r1 - 1 / s1, 0.0)
    cal.update({"sim_rate_batch1_no_overhead": s1, "recv_msg_s": extra,
                "send_msg_s": extra})
    # The latency the links then add, less the overheads now injected
    # (a message pays the send and the receive overhead on its way).
    cal["shm_lat_s"] = max(shm_lat - 2 * extra, 0.1 * shm_lat)
    cal["tcp_lat_s"] = max(tcp_lat - 2 * extra, 0.1 * tcp_lat)
    cal["measured_shm_lat_s"], cal["measured_tcp_lat_s"] = shm_lat, tcp_lat
    with open(out_path, "w") as f:
        json.dump(cal, f, indent=1, sort_keys=True)
    with open(os.path.join(folder, "platform.xml"), "w") as f:
        f.write(smpi.platform_xml(cal, 3, cores))
    return cal


VALIDATE = (
    ("records/s unthrottled", "records_per_s", None),
    ("latency p50 at 100 Hz (us)", "lat_p50_ns", 100),
    ("latency p50 at 1 kHz (us)", "lat_p50_ns", 1000),
)


def validate(build, cal, out):
    os.makedirs(out, exist_ok=True)
    cores = int(cal.get("cores", 2))
    rows = []
    for np in (2, 3, 4):
        for what, key, hz in VALIDATE:
            args = unthrottled(np, 1) if hz is None else \
                ["--collect", "async", "--rate", str(hz), "--duration", "2",
                 "--phase", "spread"]
            real = num(mpi_rate(build, np, args).get(key))
            sim = num(sim_rate(build, cal, np, cores, args,
                               os.path.join(out, "platforms")).get(key))
            scale = 1e-3 if key.endswith("_ns") else 1
            ratio = sim / real if real > 0 else math.nan
            rows.append((np, what, real * scale, sim * scale, ratio))
            print(f"simulate: np={np} {what}: real {real * scale:.4g}, "
                  f"simulated {sim * scale:.4g}, ratio {ratio:.3f}")
    lines = ["| np | figure | real | simulated | simulated / real | "
             "within +-25% |", "|---|---|---|---|---|---|"]
    for np, what, real, sim, ratio in rows:
        ok = "yes" if abs(ratio - 1) <= 0.25 else "no"
        lines.append(f"| {np} | {what} | {real:.4g} | {sim:.4g} | "
                     f"{ratio:.3f} | {ok} |")
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "validation.md"), "w") as f:
        f.write(text)
    print(text, end="")
    return 0


def main(sub, argv, parse, root):
    opts = {"--build": lambda o, t: t, "--out": lambda o, t: t,
            "--calibration": lambda o, t: t}
    got = parse(argv, flags=("--no-cluster",), opts=opts)
    build = os.path.abspath(got.get("--build", os.path.join(root, "build")))
    for exe in (os.path.join(build, "smpi", "mpi", "alog-mpi"),
                os.path.join(build, "mpi", "alog-mpi")):
        if not os.access(exe, os.X_OK):
            raise Usage(f"--build '{build}': no {exe} (build with "
                        "-DALOG_SMPI=ON)")
    if sub == "calibrate":
        out = got.get("--out", os.path.join(build, "smpi",
                                            "calibration.json"))
        cal = calibrate(build, root, not got.get("--no-cluster"), out)
        print(json.dumps(cal, indent=1, sort_keys=True))
        print(f"simulate: wrote {out}")
        return 0
    from .simcli import load_calibration
    cal = load_calibration(got.get("--calibration"), build)
    return validate(build, cal, got.get("--out", os.path.join(
        build, "smpi", "validation")))


_ = Report  # the one report reader (figures) is what reads every run
