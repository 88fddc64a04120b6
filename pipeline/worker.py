"""Each file is read in a worker process of its own, under limits the parent enforces.

A hostile file can make a parser allocate gigabytes or spin for minutes, in C code
that no Python signal interrupts (pdfium, zlib, libxml2). So the parent never reads
a file itself: it starts one worker per file (forked from a server process that
imported the readers once), and

- the worker's address space is capped (RLIMIT_AS) at what it had when it started
  plus `--max-memory-mb`: an allocation past it fails inside the worker (a
  MemoryError, or the C library aborting), never in the command;
- the parent kills the worker (its whole process group) when `--timeout` has
  passed, wherever it is; a signal inside the parser could fire in cleanup code
  and escape as a traceback;
- every way a worker can end becomes one Outcome with a one-line message;
- each worker gets its own temporary directory, removed by the parent however the
  worker ended. A directory left by a command that was itself killed carries its
  process id, and the next run removes it once that process is gone.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import tempfile
import time
from collections import deque
from collections.abc import Callable
from multiprocessing.connection import wait as wait_ready
from pathlib import Path

from pipeline.file import Options, Outcome, process_file
from pipeline.forkserver import WORK_PREFIX, context, main_hidden, socket_base

# A worker may add this much memory to what it starts with (~80 MB: the readers'
# imports, shared with the fork server) while reading one file; the sample annex
# peaks at ~60 MB in all. camelot (OpenCV, pandas) reserves about 1.5 GB
# of address space it barely touches, so it gets more.
DEFAULT_MAX_MEMORY_MB = 768
CAMELOT_MAX_MEMORY_MB = 3072
# Time a killed or finished worker gets to be reaped, and the poll interval.
_REAP_SECONDS = 5.0
_POLL_SECONDS = 0.1  # how often a running worker's peak memory is looked at
def default_max_memory_mb(engine: str) -> int:
    return CAMELOT_MAX_MEMORY_MB if engine == "camelot" else DEFAULT_MAX_MEMORY_MB


def _status_kb(key: str, pid: int | str = "self") -> int | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def clean_dead_workdirs(tmp: str | None = None) -> None:
    """Remove the work directories of commands that died without removing them."""
    entries = []
    for base in {tmp or tempfile.gettempdir(), socket_base()}:
        try:
            entries += Path(base).glob(f"{WORK_PREFIX}*")
        except OSError:
            pass
    for d in entries:
        pid = d.name[len(WORK_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(d, ignore_errors=True)


def _limit_self(max_memory_mb: int, max_seconds: float | None) -> None:
    """In the worker, first thing: the caps that hold whatever the parser does."""
    os.setpgid(0, 0)  # its own process group: a timeout kills it and anything it started
    try:  # die with the parent (Linux): an orphaned worker would run unbounded in time
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash leaves no core file behind
    base = (_status_kb("VmSize") or 0) * 1024
    cap = base + max_memory_mb * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    if max_seconds:  # a backstop if the parent itself is gone: CPU time <= wall time
        cpu = int(max_seconds) + 10
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        if hard == resource.RLIM_INFINITY or hard > cpu:
            resource.setrlimit(resource.RLIMIT_CPU, (cpu, hard))
    # Libraries that would start a thread pool per core: the worker is one file, one core.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"


LOG_NAME = "worker.log"


def _worker(conn, path: str, opts: Options, sha256: str | None, max_memory_mb: int, workdir: str) -> None:
    # What a library prints (pdfium's "terminate called…", a warning on stdout) goes
    # to a file the parent may quote, never into the command's output or its JSON.
    try:
        log = os.open(os.path.join(workdir, LOG_NAME), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    except OSError:  # the parent gave up on this worker before it started (interrupted)
        os._exit(1)
    os.dup2(log, 1)
    os.dup2(log, 2)
    try:
        _limit_self(max_memory_mb, opts.limits.max_seconds)
        os.environ["TMPDIR"] = workdir
        tempfile.tempdir = workdir
        out = process_file(path, opts, sha256)
    except MemoryError:  # process_file catches it; a second one may come in its handler
        out = Outcome(path=path, sha256=sha256, status="bad_input",
                      message=f"{path}: ran out of memory while reading it (--max-memory-mb {max_memory_mb})")
    except BaseException as exc:  # noqa: BLE001 - whatever it is, the parent reports it
        import traceback

        out = Outcome(path=path, sha256=sha256, status="internal_error",
                      message=f"{path}: internal error ({type(exc).__name__}: {exc})",
                      traceback=traceback.format_exc())
    out.peak_rss_kb = _status_kb("VmHWM")
    try:
        conn.send(out)
    except MemoryError:  # the result itself does not fit: report that instead
        out = Outcome(path=path, sha256=sha256, status="bad_input",
                      message=f"{path}: its tables do not fit in memory (--max-memory-mb {max_memory_mb})")
        conn.send(out)
    conn.close()


def _last_words(workdir: str) -> str:
    """The last line a crashed worker printed (e.g. "std::bad_alloc"), if any."""
    try:
        with open(os.path.join(workdir, LOG_NAME), "rb") as fh:
            fh.seek(max(0, os.fstat(fh.fileno()).st_size - 2048))
            lines = [l.strip() for l in fh.read().decode("utf-8", "replace").splitlines() if l.strip()]
    except OSError:
        return ""
    return lines[-1][:160] if lines else ""


def _kill(proc) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.kill()


class _Running:
    def __init__(self, index: int, proc, conn, deadline: float | None, workdir: str, started: float):
        self.index, self.proc, self.conn = index, proc, conn
        self.deadline, self.workdir, self.started = deadline, workdir, started
        self.peak_kb = 0


def _crash_message(path: str, exitcode: int | None, max_memory_mb: int, workdir: str) -> str:
    said = _last_words(workdir)
    said = f": {said}" if said else ""
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = f"signal {-exitcode}"
        if -exitcode == signal.SIGXCPU:
            return f"{path}: took too much processor time to read (--timeout)"
        return (
            f"{path}: the reader stopped abnormally ({name}{said}) while reading it; "
            f"it may need more than --max-memory-mb {max_memory_mb}"
        )
    return f"{path}: the reader ended without a result (exit code {exitcode}{said})"


def _start_without_main(proc) -> None:
    """Start a worker without having it re-run the program's main script."""
    with main_hidden():
        proc.start()


def run_workers(
    tasks: list[tuple[str, str | None]],
    opts: Options,
    *,
    jobs: int = 1,
    max_memory_mb: int | None = None,
    on_start: Callable[[str], None] | None = None,
    on_started: Callable[[str], None] | None = None,
) -> list[Outcome]:
    """Read each (path, sha256) in a worker, at most `jobs` at a time; one Outcome
    per task, in order. Never raises for anything a file does."""
    ctx = context([p for p, _ in tasks])
    memory = max_memory_mb or default_max_memory_mb(opts.engine)
    max_seconds = opts.limits.max_seconds or None
    clean_dead_workdirs()
    results: list[Outcome | None] = [None] * len(tasks)
    pending = deque(range(len(tasks)))
    running: list[_Running] = []
    try:
        while pending or running:
            while pending and len(running) < max(jobs, 1):
                i = pending.popleft()
                path, sha = tasks[i]
                if on_start:
                    on_start(path)
                workdir = tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-")
                recv, send = ctx.Pipe(duplex=False)
                proc = ctx.Process(target=_worker, args=(send, path, opts, sha, memory, workdir), daemon=True)
                try:
                    _start_without_main(proc)  # the first boots the fork server: an interrupt may land here
                except BaseException:
                    if proc._popen is not None:
                        _kill(proc)
                    recv.close()
                    shutil.rmtree(workdir, ignore_errors=True)
                    raise
                finally:
                    send.close()
                if on_started:
                    on_started(path)
                now = time.monotonic()
                running.append(_Running(i, proc, recv, now + max_seconds if max_seconds else None, workdir, now))
            deadlines = [r.deadline for r in running if r.deadline is not None]
            timeout = max(0.0, min(deadlines) - time.monotonic()) if deadlines else _POLL_SECONDS
            wait_ready([r.conn for r in running] + [r.proc.sentinel for r in running], min(timeout, _POLL_SECONDS))
            still = []
            for r in running:
                r.peak_kb = max(r.peak_kb, _status_kb("VmHWM", r.proc.pid) or 0)
                path, sha = tasks[r.index]
                out = None
                alive = r.proc.is_alive()  # before poll(): a result sent before dying is seen
                if r.conn.poll():
                    try:
                        out = r.conn.recv()
                    except (EOFError, OSError):  # died while sending
                        r.proc.join(_REAP_SECONDS)
                        out = Outcome(path, sha, "bad_input", _crash_message(path, r.proc.exitcode, memory, r.workdir))
                    except Exception as exc:  # noqa: BLE001 - an unreadable result is a bug
                        out = Outcome(path, sha, "internal_error", f"{path}: internal error (result: {exc})")
                elif not alive:
                    out = Outcome(path, sha, "bad_input", _crash_message(path, r.proc.exitcode, memory, r.workdir))
                elif r.deadline is not None and time.monotonic() >= r.deadline:
                    _kill(r.proc)
                    out = Outcome(path, sha, "bad_input",
                                  f"{path}: took longer than {max_seconds:g} s to read (--timeout)")
                if out is None:
                    still.append(r)
                    continue
                out.seconds = out.seconds or (time.monotonic() - r.started)
                # A worker that ended without reporting it: the most seen while it ran.
                out.peak_rss_kb = out.peak_rss_kb or r.peak_kb or None
                _finish(r)
                results[r.index] = out
            running = still
    finally:
        for r in running:  # interrupted (Ctrl-C, SIGTERM): no worker outlives the command
            _kill(r.proc)
            _finish(r)
    return [o for o in results if o is not None]


def _finish(r: _Running) -> None:
    r.proc.join(_REAP_SECONDS)
    if r.proc.is_alive():
        _kill(r.proc)
        r.proc.join(_REAP_SECONDS)
    r.conn.close()
    shutil.rmtree(r.workdir, ignore_errors=True)
