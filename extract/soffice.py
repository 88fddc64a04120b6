"""OpenDocument (.odt) and legacy Word (.doc) files, through LibreOffice headless.

The annex's tables are read from DOCX only; an .odt or .doc is converted to DOCX by
LibreOffice (`soffice --headless --convert-to docx`) in a temporary directory that is
removed afterwards, within the file's time limit, and then read like any DOCX.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

INSTALL_HINT = "apt-get install libreoffice-writer-nogui"


class ConversionError(Exception):
    """LibreOffice is missing or could not convert the file (a one-line reason)."""


def find_soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def converted_to_docx(path: str | Path, fmt: str, timeout: float):
    """Yield the path of a DOCX converted from `path` (an .odt or .doc); the
    temporary directory, LibreOffice profile included, is removed on exit."""
    soffice = find_soffice()
    what = "an OpenDocument text (.odt)" if fmt == "odt" else "a legacy Word document (.doc)"
    if soffice is None:
        raise ConversionError(f"is {what}; reading it needs LibreOffice ({INSTALL_HINT}), or save it as DOCX or PDF")
    with tempfile.TemporaryDirectory(prefix="annex-soffice-") as tmp:
        tmpdir = Path(tmp)
        # A fixed, plain name: the user's file name may hold anything; the suffix
        # tells LibreOffice which import filter to try first.
        src = tmpdir / f"input.{fmt}"
        shutil.copyfile(path, src)
        produced = convert(soffice, src, "docx:MS Word 2007 XML", tmpdir / "out", timeout)
        if produced is None:
            raise ConversionError(f"is {what} that LibreOffice could not convert (damaged or password-protected?)")
        yield produced


def convert(soffice: str, src: Path, target: str, outdir: Path, timeout: float) -> Path | None:
    """`soffice --convert-to target` of `src` into `outdir`; the produced file, or
    None when LibreOffice wrote nothing. Also used by samples/build/ for variants."""
    with tempfile.TemporaryDirectory(prefix="annex-soffice-profile-") as profile_dir:
        # Its own profile: concurrent conversions (workers, other users) would
        # otherwise wait on, or break, one shared profile lock.
        profile = Path(profile_dir).as_uri()
        cmd = [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nologo",
               "--convert-to", target, "--outdir", str(outdir), str(src)]
        _run(cmd, timeout)
    produced = outdir / f"{src.stem}.{target.split(':')[0]}"
    if not produced.is_file() or produced.stat().st_size == 0:
        return None
    return produced


def _child_setup() -> None:  # pragma: no cover - runs in the forked child
    """LibreOffice reserves far more address space than the reading worker's cap
    (pipeline/worker.py lowers only the soft limit): give it the hard limit back; and let
    it die with the worker that started it (Linux), so a killed worker leaves none."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _run(cmd: list[str], timeout: float) -> None:
    # A session of its own, so that a timeout ends soffice.bin too, not only the
    # launcher; and so that the pipeline's own alarm cannot leave it running.
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=_child_setup,
                            env={**os.environ, "SAL_USE_VCLPLUGIN": "svp"})
    deadline = time.monotonic() + (timeout if timeout and timeout > 0 else 300.0)
    try:
        while proc.poll() is None:
            if time.monotonic() > deadline:
                raise ConversionError(f"took longer than {timeout:.0f} s to convert with LibreOffice (--timeout)")
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
