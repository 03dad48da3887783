"""alogexp.probe - the core-to-core probe recorded with every run.

This VM's two cores are sometimes near (26 ns one way) and sometimes far
(170 ns): the hypervisor moves them.  A run's figures can move with that,
so before each run build/scripts/ref/alog-ref-c2c (well under 50 ms)
measures the one-way latency between two cores, and the run's row keeps
it (c2c_ns); summary.py splits a point's runs into near and far by it and
warns when their medians differ.  Without the program (not built), no
probe: the column stays empty and nothing is split.
"""
import os
import subprocess

from .report import Report, num


class Probe:
    def __init__(self, path, env=None):
        self.path = path if path and os.access(path, os.X_OK) else None
        self.env = env
        self.failed = 0

    def available(self):
        return self.path is not None

    def measure(self):
        """{'c2c_ns': x, ...} of one probe; {} without one."""
        if not self.path or self.failed >= 3:
            return {}
        try:
            p = subprocess.run([self.path], capture_output=True, text=True,
                               timeout=5, env=self.env,
                               stdin=subprocess.DEVNULL)
        except (OSError, subprocess.SubprocessError):
            self.failed += 1
            return {}
        head = Report(p.stdout).header
        x = num(head.get("c2c_ns"))
        if p.returncode != 0 or not x == x:
            self.failed += 1
            return {}
        return {"c2c_ns": x, "c2c_p10_ns": num(head.get("c2c_p10_ns")),
                "c2c_p90_ns": num(head.get("c2c_p90_ns")),
                "c2c_cpus": head.get("c2c_cpus", "")}
