"""What a web visitor's config may name: presets, hub ids and the lab's own uploads, never the server's disk.

The CLI runs on its user's own machine and may name any file; a public Space passes strangers'
strings into RunConfig, and `load_task`/`load_backbone` read a local path before they try the hub.
`check_visitor_config` is the one gate between the two (the operator can open it with
PROMPT_LAB_ALLOW_LOCAL_PATHS=1 on a private machine). Its messages never echo anything read from disk.
"""
from __future__ import annotations

import re
from pathlib import Path

from core.backbones import list_backbones
from core.config import ConfigError
from core.data import list_presets
from core.trackers import LOCAL as TRACKERS

# a hub repository id: "name" or "owner/name" (dataset ids such as glue/sst2 have the same shape)
HUB_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}(/[A-Za-z0-9][A-Za-z0-9_.-]{0,95})?")


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path.resolve().is_relative_to(folder.resolve())
    except (OSError, RuntimeError):
        return False


def _hub_only(value: str, what: str, box: str) -> None:
    """`value` must read as a hub id and must not name anything on the server."""
    shown = value[:120]
    if not HUB_ID.fullmatch(value) or ".." in value:
        raise ConfigError(f"'{shown}' is not a Hugging Face {what} id ({box} takes ids such as "
                          f"{'glue/sst2 or owner/name' if what == 'dataset' else 'owner/name'}); files on the "
                          "server cannot be named here" + ("; upload your data file instead" if what == "dataset"
                                                           else ""))
    try:
        on_disk = Path(value).exists()
    except OSError:
        on_disk = False
    if on_disk:
        raise ConfigError(f"'{shown}' names a file or folder on the server, not a hub {what}: {box} reads "
                          "the Hugging Face hub only" + ("; upload your data file instead" if what == "dataset"
                                                         else ""))


def check_visitor_config(config, runs_root: Path, uploads: tuple[Path, ...], allow_local_paths: bool = False) -> None:
    """Raise ConfigError when a config from the web would read or write outside what a visitor may use.
    `uploads`: the folders holding files visitors uploaded (the lab's own, and Gradio's upload cache)."""
    if not allow_local_paths:
        for task in [config.task, *getattr(config, "tasks", [])]:  # a multi-task run's further tasks too
            uploaded = not Path(task).is_symlink() and any(_inside(Path(task), u) for u in uploads)
            if task not in list_presets() and not uploaded:
                _hub_only(task, "dataset", "the hub dataset box")
        if config.backbone not in list_backbones():
            _hub_only(config.backbone, "model", "the backbone box")
    for source in config.init_from:
        folder = Path(source)
        if folder.is_symlink() or folder.resolve().parent != runs_root.resolve():
            raise ConfigError(f"init_from '{str(source)[:120]}' is not a run of this lab")
    if Path(config.out).resolve() != runs_root.resolve():
        raise ConfigError("out: runs started from the web lab are kept in the lab's own runs folder")
    report_to = getattr(config, "report_to", [])
    if not isinstance(report_to, list) or any(not isinstance(name, str) or name not in TRACKERS for name in report_to):
        # RunConfig checks it too; this holds even for a config changed after it was built. Trackers write
        # where the operator decides (core.trackers), never where a visitor says.
        raise ConfigError(f"report_to: the web lab reports only to {' and '.join(TRACKERS)} (or none)")
