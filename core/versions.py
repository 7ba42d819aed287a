"""What a run ran with: the training libraries' versions, Python, the lab's own git commit and the device.

Two runs that differ in transformers or torch, or ran on another device or precision, can differ in
their metric, time and memory for that reason alone; final.json records `environment()` so that Compare
can say so. Nothing here spawns a process: the commit is read from the .git folder's files.
"""
from __future__ import annotations

import platform
import re
from importlib import metadata
from pathlib import Path

LIBRARIES = ("torch", "transformers", "peft", "accelerate")
LAB_ROOT = Path(__file__).resolve().parents[1]
SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")  # SHA-1, or SHA-256 repositories


def library_version(name: str) -> str | None:
    """An installed distribution's version (torch's own string, which names its build: 2.13.0+cpu)."""
    if name == "torch":
        try:
            import torch
            return torch.__version__
        except ImportError:
            return None
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def git_dir(root: Path) -> Path | None:
    """root/.git, or the folder a worktree's or submodule's `.git` file points to ("gitdir: ...")."""
    dot_git = root / ".git"
    if dot_git.is_dir():
        return dot_git
    try:
        text = dot_git.read_text().strip()
    except (OSError, ValueError):
        return None
    if not text.startswith("gitdir:"):
        return None
    target = Path(text[len("gitdir:"):].strip())
    return target if target.is_absolute() else root / target


def lab_commit(root: Path = LAB_ROOT) -> str | None:
    """The commit the lab's checkout is at, read from .git/HEAD and its ref (loose or packed); None where it
    cannot be known (a Space without .git, a damaged repository). Uncommitted edits are not seen."""
    folder = git_dir(root)
    if folder is None:
        return None
    try:
        head = (folder / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head if SHA.fullmatch(head) else None
        ref = head[len("ref:"):].strip()
        if not ref.startswith("refs/") or ".." in ref:
            return None
        common = folder
        if (folder / "commondir").is_file():  # a worktree keeps branches in the main repository
            common = (folder / (folder / "commondir").read_text().strip()).resolve()
        for base in dict.fromkeys((folder, common)):
            loose = base / ref
            if loose.is_file():
                sha = loose.read_text().strip()
                return sha if SHA.fullmatch(sha) else None
        for base in dict.fromkeys((folder, common)):
            packed = base / "packed-refs"
            if packed.is_file():
                for line in packed.read_text().splitlines():
                    sha, _, name = line.partition(" ")
                    if name.strip() == ref and SHA.fullmatch(sha):
                        return sha
    except (OSError, ValueError):
        return None
    return None


def device_info(device=None) -> dict:
    """{"device": "cpu" | "cuda: <GPU name>" | "mps", "bf16": does it compute bf16 natively}. `device` is the
    one the run trained on (accelerate's); None: the one torch would pick."""
    import torch
    kind = getattr(device, "type", None) or (str(device).split(":")[0] if device is not None else None)
    if kind is None:
        kind = "cuda" if torch.cuda.is_available() else "cpu"
    if kind == "cuda" and torch.cuda.is_available():
        index = device.index if getattr(device, "index", None) is not None else torch.cuda.current_device()
        return {"device": f"cuda: {torch.cuda.get_device_name(index)}", "bf16": bool(torch.cuda.is_bf16_supported())}
    if kind == "cpu":
        try:
            from core.train import cpu_has_native_bf16  # the training loop's own probe (AVX512-BF16 / AMX)
        except ImportError:
            return {"device": "cpu", "bf16": None}
        return {"device": "cpu", "bf16": bool(cpu_has_native_bf16())}
    return {"device": kind, "bf16": None}


def environment(device=None, precision: str | None = None) -> dict:
    """Everything final.json's `environment` holds: python, the training libraries, the lab's commit, the
    device, whether it has native bf16, and the mixed precision the run used (accelerate's: no, bf16, fp16)."""
    return {"python": platform.python_version(), **{name: library_version(name) for name in LIBRARIES},
            "lab_commit": lab_commit(), **device_info(device),
            **({"precision": precision} if precision is not None else {})}
