"""Which call log a back-test reads: the bundled bank log, or a file this session uploaded.

An upload is checked (type, size, base64) in the server and written under the app's private
work folder with a random name; the session keeps only that name's token, never a path, and the
page resolves it back, so a tampered store cannot point the job at another file.
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from pathlib import Path
from typing import Any

from dashboard.shared.upload_guard import upload_guard_js
from sim import api
from sim.api import ScenarioError

BANK_LOG = api.BUNDLED_DIR / "data" / "anonymous_bank_february_1999.tsv"
BANK_LABEL = "Anonymous Bank, February 1999 (bundled)"
MAX_UPLOAD_BYTES = 2 * 1024 * 1024  # a few days of calls; the whole bundled month is 3.3 MB
LOG_SUFFIXES = ("tsv", "csv", "txt")
UPLOAD_DIR = "calllogs"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,}$")
UPLOAD_GUARD_JS = upload_guard_js(MAX_UPLOAD_BYTES)


def safe_name(filename: str | None) -> str:
    return re.sub(r"[^A-Za-z0-9_.\- ]", "_", (filename or "calls.tsv").split("/")[-1])[:80]


def too_big(name: str, size_bytes: int) -> str:
    return (
        f"{name}: {size_bytes / 1024**2:.1f} MB is too big; call logs are limited to "
        f"{MAX_UPLOAD_BYTES / 1024**2:.0f} MB here (back-test longer logs with `ccsim backtest`)"
    )


def upload_bytes(
    contents: str | None, filename: str | None, size_bytes: int | None = None
) -> tuple[bytes, str, str]:
    """(raw bytes, safe name, suffix) of an upload; ScenarioError if too big, unreadable or not a
    call log file. `size_bytes` without `contents`: the browser found the file over the limit."""
    name = safe_name(filename)
    if not contents and size_bytes is not None:
        raise ScenarioError(too_big(name, size_bytes))
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in LOG_SUFFIXES:
        kind = f"a .{suffix} file" if suffix else "a file without an extension"
        raise ScenarioError(
            f"{name}: wrong file type ({kind}); upload a call log (.tsv, .csv or .txt)"
        )
    _, _, payload = (contents or "").partition(",")
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ScenarioError(f"{name}: the upload could not be read; try again") from None
    if len(raw) > MAX_UPLOAD_BYTES:
        raise ScenarioError(too_big(name, len(raw)))
    if not raw.strip():
        raise ScenarioError(f"{name}: the file is empty; a call log needs a header row and calls")
    return raw, name, suffix


def save_upload(
    work_dir: Path, contents: str | None, filename: str | None, size_bytes: int | None = None
) -> dict[str, Any]:
    """Check and keep an upload: the session's record of it {token, name, suffix, size_bytes}."""
    raw, name, suffix = upload_bytes(contents, filename, size_bytes)
    token = secrets.token_urlsafe(16)
    folder = work_dir / UPLOAD_DIR
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{token}.{suffix}").write_bytes(raw)
    return {"token": token, "name": name, "suffix": suffix, "size_bytes": len(raw)}


def upload_path(work_dir: Path, upload: Any) -> Path | None:
    """Where a session's upload record points (None for a record this server did not make)."""
    ok = isinstance(upload, dict) and _TOKEN.match(str(upload.get("token", "")))
    if not ok or upload.get("suffix") not in LOG_SUFFIXES:
        return None
    return work_dir / UPLOAD_DIR / f"{upload['token']}.{upload['suffix']}"


def forget_upload(work_dir: Path, upload: Any) -> None:
    """Remove a session's previous upload (a new one replaces it)."""
    path = upload_path(work_dir, upload)
    if path is not None:
        path.unlink(missing_ok=True)


def log_choice(work_dir: Path, source: Any, upload: Any, fmt: Any) -> tuple[Path, str, str]:
    """(path, label, format) of the chosen log, or a ScenarioError saying what to do."""
    if source == "bundled":
        if not BANK_LOG.is_file():
            raise ScenarioError(f"{BANK_LOG} is missing: upload a call log instead")
        return BANK_LOG, BANK_LABEL, "anonymous-bank"
    if source != "upload":
        raise ScenarioError("call log: pick the bundled log or upload one")
    path = upload_path(work_dir, upload)
    if path is None:
        raise ScenarioError("call log: upload a file first (or pick the bundled log)")
    if not path.is_file():
        raise ScenarioError("call log: the uploaded file is no longer on the server; upload again")
    if fmt not in ("anonymous-bank", "csv"):
        raise ScenarioError("format: pick anonymous-bank or csv")
    return path, f"{safe_name(upload.get('name'))} (uploaded)", str(fmt)
