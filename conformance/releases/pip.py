"""What pip says about torch releases here: which exist, what installing one would fetch, and why it cannot."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

# Note: the wheels that make a torch build heavy (up to hundreds of MB each), named in a plan's description. Whether a
# version is cheap is decided by the torch wheel alone (on disk or not): a build whose torch wheel lies on disk may
# still fetch a newer CUDA library or two, and small pure-Python dependencies, from PyPI.
_HEAVY = re.compile(r"^(torch|triton|nvidia[-_].*|cuda[-_]toolkit)$", re.IGNORECASE)


@dataclass(frozen=True)
class Plan:
    """What `pip install torch==X` would take: the wheels on this machine's disk (with their size), the heavy wheels
    it would download, how many small ones, and whether the torch wheel itself is on disk."""

    local_bytes: int
    local_files: int
    downloads: tuple[str, ...]
    small_downloads: int
    torch_on_disk: bool = False

    def describe(self) -> str:
        """One line: what is on disk and what would be downloaded."""
        disk = f"{self.local_files} wheels on disk ({self.local_bytes / 2**30:.1f} GiB)"
        disk = ("the torch wheel and " if self.torch_on_disk else "") + disk
        if not self.downloads:
            return disk + (f", {self.small_downloads} small ones from PyPI" if self.small_downloads else "")
        shown = ", ".join(self.downloads[:3])
        names = shown + (f" and {len(self.downloads) - 3} more" if len(self.downloads) > 3 else "")
        cuda = "a CUDA build: " if any(n.lower().startswith("nvidia") for n in self.downloads) else ""
        count = f"{len(self.downloads)} large wheel{'s' * (len(self.downloads) != 1)}"
        return f"{cuda}{count} from PyPI ({names}) besides {disk}"


def torch_releases() -> list[str] | str:
    """The torch versions pip can see (newest first), or why it could not list them."""
    done = _pip("index", "versions", "torch")
    found = re.search(r"^Available versions: (.+)$", done.stdout, re.MULTILINE)
    if done.returncode or not found:
        return pip_reason(done.stderr or done.stdout)
    return [v.strip() for v in found.group(1).split(",")]


def plan_install(version: str) -> Plan | str:
    """What installing torch==`version` into a fresh environment would fetch (pip's dry run), or pip's reason why it
    cannot."""
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder, "report.json")
        done = _pip("install", "--dry-run", "--ignore-installed", "--report", str(report), f"torch=={version}")
        if done.returncode or not report.is_file():
            return pip_reason(done.stdout + "\n" + done.stderr)
        items = json.loads(report.read_text(encoding="utf-8"))["install"]
    local = [_local_path(i["download_info"]["url"]) for i in items]
    remote = [i["metadata"]["name"] for i, path in zip(items, local, strict=True) if path is None]
    heavy = tuple(name for name in remote if _HEAVY.match(name))
    sizes = [p.stat().st_size for p in local if p is not None and p.is_file()]
    return Plan(sum(sizes), len(sizes), heavy, len(remote) - len(heavy), "torch" not in remote)


def pip_reason(stderr: str) -> str:
    """The one line of pip's output that says why it failed: a constraint, a missing wheel, or its last error."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip() and not line.startswith("WARNING")]
    constraint = next((line for line in lines if "(constraint)" in line), None)
    if constraint:
        return f"{constraint.removeprefix('The user requested ')} excludes it ({_constraint_files()})"
    missing = next((line for line in lines if "No matching distribution found" in line), None)
    if missing:
        python = f"{sys.version_info.major}.{sys.version_info.minor}"
        return f"{missing.removeprefix('ERROR: ')} (no wheel for Python {python} on {sys.platform} among its files)"
    errors = [line.removeprefix("ERROR: ") for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["pip failed without a message"])[0]


def _constraint_files() -> str:
    """Where pip's constraints come from, as pip config reports them."""
    done = _pip("config", "list")
    found = re.findall(r"constraint='([^']+)'", done.stdout)
    return "constraint file " + ", ".join(found) if found else "a pip constraint"


def _local_path(url: str) -> Path | None:
    parsed = urlparse(url)
    return Path(unquote(parsed.path)) if parsed.scheme == "file" else None


def _pip(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pip", *arguments], capture_output=True, text=True)
