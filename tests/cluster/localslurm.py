"""A one-node SLURM cluster on this machine, for the cluster test.

Debian's slurm-wlm and munge (installed with apt when missing), run as root without systemd: munged, slurmctld and
`slurmd -N localhost`, every state, spool and log file under one temporary folder. `stop()` ends only the daemons
`start()` launched (by their process ids) and removes what it created.

Jobs are recorded by `jobcomp/filetxt` (one line per finished job with its id and state); there is no accounting
database, so clients query job states with `squeue` (`MinJobAge=600` keeps finished jobs visible to it).
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PACKAGES = ["slurm-wlm", "munge"]
DAEMONS = ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "scontrol"]
# The executor plugin clears SLURM_CONF before its inner `srun`, so the config must be at the default place.
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")
# A config already there waits beside it (same file system, survives a crash) and is put back by stop().
SAVED_CONF = SYSTEM_CONF.with_name("slurm.conf.before-rarevar-test")
PORTS = (6817, 6818)  # slurmctld, slurmd
START_TIMEOUT = 60  # seconds for each daemon to come up


class ClusterError(RuntimeError):
    """The cluster could not be started; the message says why."""


class LocalCluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="rarevar-slurm-"))
        self.processes: dict[str, subprocess.Popen] = {}
        self.saved_conf: Path | None = None
        self.linked_conf = False

    # -- start -------------------------------------------------------------------------------------------------

    @classmethod
    def start(cls) -> LocalCluster:
        _require_root()
        _install_packages()
        _require_free_ports()
        cluster = cls()
        try:
            cluster._start_munge()
            cluster._write_conf()
            cluster._start_slurm()
        except BaseException:
            cluster.stop()
            raise
        return cluster

    def _start_munge(self) -> None:
        munge_user = pwd.getpwnam("munge")
        self.root.chmod(0o711)  # munged (user munge) must reach its folder inside
        folder = self.root / "munge"
        folder.mkdir(mode=0o711)  # munged refuses a socket folder with mode 0700
        os.chown(folder, munge_user.pw_uid, munge_user.pw_gid)
        key = folder / "munge.key"
        key.write_bytes(os.urandom(1024))
        key.chmod(0o400)
        os.chown(key, munge_user.pw_uid, munge_user.pw_gid)
        self.munge_socket = folder / "munge.socket"
        self._launch(
            "munged",
            ["munged", "--foreground", f"--key-file={key}", f"--socket={self.munge_socket}",
             f"--log-file={folder / 'munged.log'}", f"--pid-file={folder / 'munged.pid'}",
             f"--seed-file={folder / 'munged.seed'}"],
            user="munge",
        )  # fmt: skip
        self._wait("munged", folder / "munged.log", self._munge_answers)

    def _munge_answers(self) -> bool:
        if not self.munge_socket.exists():
            return False
        credential = subprocess.run(["munge", "-n", "-S", str(self.munge_socket)], capture_output=True)
        if credential.returncode != 0:
            return False
        check = subprocess.run(["unmunge", "-S", str(self.munge_socket)], input=credential.stdout, capture_output=True)
        return check.returncode == 0

    def _write_conf(self) -> None:
        for name in ("state", "spool", "log"):
            (self.root / name).mkdir()
        self.conf = self.root / "slurm.conf"
        self.conf.write_text(slurm_conf(self.root, self.munge_socket, _node_hardware()))
        if SAVED_CONF.exists() or SAVED_CONF.is_symlink():
            raise ClusterError(f"{SAVED_CONF} exists: an earlier cluster test was interrupted; move it back to "
                               f"{SYSTEM_CONF} (or remove it) first")  # fmt: skip
        if SYSTEM_CONF.exists() or SYSTEM_CONF.is_symlink():
            SYSTEM_CONF.rename(SAVED_CONF)
            self.saved_conf = SAVED_CONF
        SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
        SYSTEM_CONF.symlink_to(self.conf)
        self.linked_conf = True

    def _start_slurm(self) -> None:
        log = self.root / "log"
        self._launch("slurmctld", ["slurmctld", "-D", "-i", "-f", str(self.conf)])
        self._wait("slurmctld", log / "slurmctld.log", lambda: _ok(["scontrol", "ping"], "UP"))
        # The machine's host name is not `localhost`: slurmd takes the node's name from -N.
        self._launch("slurmd", ["slurmd", "-D", "-N", "localhost", "-f", str(self.conf)])
        self._wait("slurmd", log / "slurmd.log", lambda: _ok(["sinfo", "-h", "-N", "-o", "%T"], "idle"))

    def _launch(self, name: str, command: list[str], user: str | None = None) -> None:
        output = (self.root / f"{name}.out").open("w")
        self.processes[name] = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, user=user, group=user
        )

    def _wait(self, name: str, log: Path, ready) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            status = self.processes[name].poll()
            if status is not None:
                raise ClusterError(f"{name} exited with status {status}:\n{self._tail(name, log)}")
            if ready():
                return
            time.sleep(0.3)
        raise ClusterError(f"{name} was not ready after {START_TIMEOUT} s:\n{self._tail(name, log)}")

    def _tail(self, name: str, log: Path) -> str:
        texts = [p.read_text(errors="replace") for p in (self.root / f"{name}.out", log) if p.is_file()]
        return "\n".join(text[-2000:] for text in texts)

    # -- use ---------------------------------------------------------------------------------------------------

    def finished_jobs(self) -> dict[str, dict[str, str]]:
        """Each finished job's fields (JobId, JobName, JobState, ...) as slurmctld recorded them."""
        record = self.root / "log" / "jobcomp.txt"
        if not record.is_file():
            return {}
        jobs = {}
        for line in record.read_text().splitlines():
            fields = dict(part.split("=", 1) for part in line.split() if "=" in part)
            jobs[fields["JobId"]] = fields
        return jobs

    def log(self, daemon: str) -> str:
        path = self.root / "log" / f"{daemon}.log"
        return path.read_text(errors="replace") if path.is_file() else ""

    # -- stop --------------------------------------------------------------------------------------------------

    def stop(self) -> None:
        if "slurmctld" in self.processes and self.processes["slurmctld"].poll() is None:
            _cancel_jobs()
        for name in reversed(list(self.processes)):  # slurmd, slurmctld, then munged
            process = self.processes.pop(name)
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        if self.linked_conf:
            SYSTEM_CONF.unlink()
            self.linked_conf = False
        if self.saved_conf is not None:
            self.saved_conf.rename(SYSTEM_CONF)
            self.saved_conf = None
        shutil.rmtree(self.root, ignore_errors=True)


def slurm_conf(root: Path, munge_socket: Path, hardware: dict[str, str]) -> str:
    node = " ".join(f"{key}={value}" for key, value in hardware.items())
    log = root / "log"
    return f"""\
ClusterName=rarevar-test
SlurmctldHost={socket.gethostname()}(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={munge_socket}
CredType=cred/munge
StateSaveLocation={root / "state"}
SlurmdSpoolDir={root / "spool"}
SlurmctldPidFile={root / "slurmctld.pid"}
SlurmdPidFile={root / "slurmd.pid"}
SlurmctldLogFile={log / "slurmctld.log"}
SlurmdLogFile={log / "slurmd.log"}
# No cgroups: processes are tracked by /proc, memory limits are not enforced.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
SchedulerType=sched/backfill
# No accounting database: finished jobs are written to a file and stay visible to squeue for 10 minutes.
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/filetxt
JobCompLoc={log / "jobcomp.txt"}
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 {node} State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""


def _node_hardware() -> dict[str, str]:
    """CPUs, sockets, cores and memory as slurmd measures them (a node configured larger would be drained)."""
    first = subprocess.run(["slurmd", "-C"], capture_output=True, text=True, check=True).stdout.splitlines()[0]
    fields = dict(part.split("=", 1) for part in first.split())
    keep = ["CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore", "RealMemory"]
    return {key: fields[key] for key in keep if key in fields}


def _require_root() -> None:
    if os.geteuid() != 0:
        raise ClusterError("the cluster test runs SLURM's daemons and must run as root (CI does)")


def _install_packages() -> None:
    if all(shutil.which(tool) for tool in DAEMONS):
        return
    if not shutil.which("apt-get"):
        raise ClusterError(f"SLURM is not installed and apt-get is not available to install {' '.join(PACKAGES)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *PACKAGES]):
        result = subprocess.run(command, capture_output=True, text=True, env=env)
        if result.returncode != 0:
            raise ClusterError(f"`{' '.join(command)}` failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    missing = [tool for tool in DAEMONS if not shutil.which(tool)]
    if missing:
        raise ClusterError(f"after installing {' '.join(PACKAGES)}, still missing: {', '.join(missing)}")


def _require_free_ports() -> None:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                raise ClusterError(f"port {port} is in use: another SLURM daemon runs here; stop it first")


def _ok(command: list[str], expected: str) -> bool:
    result = subprocess.run(command, capture_output=True, text=True)
    return result.returncode == 0 and expected in result.stdout


def _cancel_jobs() -> None:
    """Cancel whatever is still queued on this private cluster and wait for it to end."""
    subprocess.run(["scancel", "--partition", "local"], capture_output=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        queued = subprocess.run(["squeue", "-h", "-t", "PD,R,CG", "-o", "%i"], capture_output=True, text=True)
        if queued.returncode != 0 or not queued.stdout.strip():
            return
        time.sleep(0.5)
