"""One IPython kernel driven from Python: start it, run notebooks in it, reset it, stop it.

The batch's engines run every report through a :class:`KernelSession`: the fresh engine
starts one per report, the warm engine reuses one for many reports and calls
:meth:`KernelSession.reset` in between. A session owns its kernel manager, its one kernel
client and its event loop, and hands that same client to every
:class:`nbclient.NotebookClient` it creates. Reusing a kernel through papermill's ``km=``
instead makes nbclient open a new client (new ZMQ sockets) per notebook and never close it
(nbclient #348: about 14 file descriptors per run, "Too many open files" after a few
hundred).

The kernel is the one :func:`acctkit.render.render` starts: IPython on the caller's own
interpreter, plain PNG figures, connected through Unix sockets in a private folder per
kernel (``transport="ipc"``) where available, so parallel starts never race for TCP ports.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from traitlets.config import Config

from acctkit.errors import FailureKind, RenderError
from acctkit.render.execute import (
    KERNEL_ARGUMENTS,
    CallerPythonKernelManager,
    connection_settings,
)

#: As nbclient starts its kernels (for render): history in memory, not in one SQLite file
#: that every parallel kernel would lock in turn.
_ARGUMENTS = [*KERNEL_ARGUMENTS, "--HistoryManager.hist_file=:memory:"]

#: Run once in a new warm kernel: import what a report imports first (matplotlib's inline
#: backend configures itself then), and remember the state every report must start from.
_SNAPSHOT = """
import os as _os, sys as _sys, types as _types, warnings as _warnings
_state = _types.ModuleType("_acctkit_kernel_state")
try:
    import matplotlib as _mpl, matplotlib.pyplot as _plt
    _state.rc = _mpl.rcParams.copy()
except ImportError:
    _state.rc = None
_state.path = list(_sys.path)
_state.filters = list(_warnings.filters)
_state.environ = dict(_os.environ)
_state.frozen = False
_sys.modules["_acctkit_kernel_state"] = _state
del _os, _sys, _types, _warnings, _state
try:
    del _mpl, _plt
except NameError:
    pass
"""

#: Run between two reports in a warm kernel: back to the snapshot, in the next report's
#: working folder. ``reset`` comes last: it also clears the names this code defines. After
#: the first report, what survives the reset (the modules reports import) is moved out of
#: the garbage collector's reach (``gc.freeze``): later resets and collections skip it,
#: 30 ms less per report.
_RESET = """
import os as _os, random as _random, sys as _sys, warnings as _warnings
_state = _sys.modules["_acctkit_kernel_state"]
if _state.rc is not None:
    _sys.modules["matplotlib.pyplot"].close("all")
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        _sys.modules["matplotlib"].rcParams.update(_state.rc)
if "pandas" in _sys.modules:
    with _warnings.catch_warnings():
        _warnings.simplefilter("ignore")
        _sys.modules["pandas"].reset_option("all")
for _name, _module in list(_sys.modules.items()):
    if _name == "acctkit" or _name.startswith("acctkit."):
        for _value in list(vars(_module).values()):
            if callable(getattr(_value, "cache_clear", None)):
                _value.cache_clear()
_random.seed()
if "numpy" in _sys.modules:
    _sys.modules["numpy"].random.seed()
_warnings.resetwarnings()
_warnings.filters[:] = _state.filters
_warnings.onceregistry.clear()
_sys.path[:] = _state.path
_os.environ.clear()
_os.environ.update(_state.environ)
_os.chdir({cwd!r})
get_ipython().reset(new_session=False)
_state = __import__("sys").modules["_acctkit_kernel_state"]
if not _state.frozen:
    __import__("gc").freeze()
    _state.frozen = True
del _state
"""


#: Move a kernel that has run nothing yet to the next report's working folder.
_MOVE = """
__import__("os").chdir({cwd!r})
"""


class KernelSession:
    """An IPython kernel and the one client that talks to it.

    Parameters
    ----------
    cwd : path, optional
        The kernel's working folder at start; :meth:`reset` moves it.
    start_timeout : int, optional
        Seconds the kernel may take to start and answer.
    transport : {"ipc", "tcp"}, optional
        ``"ipc"`` (Unix sockets in a private folder, the default where available) avoids
        the TCP port race of parallel starts.

    Examples
    --------
    >>> session = KernelSession()  # doctest: +SKIP
    >>> session.start()  # doctest: +SKIP
    >>> session.execute(notebook, timeout=600)  # doctest: +SKIP
    >>> session.stop()  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        cwd: str | os.PathLike | None = None,
        start_timeout: int = 60,
        transport: str = "ipc" if os.name == "posix" else "tcp",
    ):
        self.cwd = str(cwd) if cwd is not None else None
        self.start_timeout = start_timeout
        self.transport = transport
        self.notebooks_run = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._sockets: tempfile.TemporaryDirectory | None = None
        self._manager = None
        self._client = None

    @property
    def started(self) -> bool:
        """True between :meth:`start` and :meth:`stop`."""
        return self._client is not None

    @property
    def pid(self) -> int | None:
        """The kernel's process id, when it runs."""
        provisioner = getattr(self._manager, "provisioner", None)
        return getattr(provisioner, "pid", None)

    def start(self, *, snapshot: bool = False) -> float:
        """Start the kernel and wait until it answers.

        Parameters
        ----------
        snapshot : bool, optional
            Record the state :meth:`reset` returns to (the warm engine's kernels); this
            imports matplotlib, as the first report would.

        Returns
        -------
        float
            Seconds until the kernel was ready.

        Raises
        ------
        RenderError
            ``FailureKind.KERNEL_START`` (worth a retry) when the kernel does not start or answer.
        """
        started = time.perf_counter()
        with _live_lock:
            _live.add(self)
        self._loop = asyncio.new_event_loop()
        if self.transport == "ipc":
            self._sockets = tempfile.TemporaryDirectory(prefix="acctkit-kernel-")
        folder = Path(self._sockets.name) if self._sockets else None
        try:
            self._loop.run_until_complete(self._start(folder))
            if snapshot:
                self._run_quietly(_SNAPSHOT, timeout=self.start_timeout)
        except Exception as error:
            self.stop()
            raise RenderError(
                f"could not start a kernel: {type(error).__name__}: {error}",
                kind=FailureKind.KERNEL_START,
            ) from error
        return time.perf_counter() - started

    async def _start(self, socket_folder: Path | None) -> None:
        config = Config({"KernelManager": connection_settings(socket_folder)})
        self._manager = CallerPythonKernelManager(config=config)
        await self._manager.start_kernel(extra_arguments=_ARGUMENTS, cwd=self.cwd)
        client = self._manager.client()
        client.allow_stdin = False
        client.start_channels()
        self._client = client
        await client.wait_for_ready(timeout=self.start_timeout)

    def execute(
        self,
        notebook: nbformat.NotebookNode,
        *,
        timeout: float | None = None,
        on_cell_start: Callable[..., object] | None = None,
    ) -> nbformat.NotebookNode:
        """Run every code cell of ``notebook`` in this kernel; outputs are stored in place.

        Parameters
        ----------
        notebook : NotebookNode
            A notebook ready to run (parameters already injected).
        timeout : float, optional
            Seconds the whole notebook may run; None for no limit.
        on_cell_start : callable, optional
            nbclient hook, called with ``cell`` and ``cell_index`` before each cell.

        Returns
        -------
        NotebookNode
            ``notebook``, executed.

        Raises
        ------
        nbclient.exceptions.CellExecutionError, CellTimeoutError, DeadKernelError
            As nbclient raises them; the kernel should then be stopped.
        """
        deadline = None if timeout is None else time.monotonic() + timeout
        client = NotebookClient(
            notebook,
            km=self._manager,
            timeout=timeout,
            timeout_func=_remaining(deadline),
            startup_timeout=self.start_timeout,
            on_cell_start=on_cell_start,
        )
        # Our client, already connected: nbclient opens none of its own, so none leaks.
        client.kc = self._client
        self._loop.run_until_complete(client.async_execute())
        self.notebooks_run += 1
        return notebook

    def reset(self, cwd: str | os.PathLike | None = None) -> float:
        """Bring a kernel that ran reports back to the state of a new one, in ``cwd``.

        Clears the user namespace and IPython's output cache, closes every figure and
        restores matplotlib's settings, pandas' options, warning filters, ``sys.path``, the
        environment, the random seeds and acctkit's caches; imported modules stay loaded
        (the point of a warm kernel). Needs ``start(snapshot=True)``.

        Returns
        -------
        float
            Seconds taken.
        """
        started = time.perf_counter()
        # A relative folder means relative to the caller: the kernel has moved since.
        folder = os.path.abspath(cwd if cwd is not None else self.cwd or os.getcwd())
        code = _RESET if self.notebooks_run else _MOVE  # a new kernel only needs to move
        self._run_quietly(code.format(cwd=folder), timeout=60)
        return time.perf_counter() - started

    def _run_quietly(self, code: str, *, timeout: float) -> None:
        reply = self._loop.run_until_complete(
            self._client.execute_interactive(
                code, silent=True, store_history=False, timeout=timeout, output_hook=_ignore
            )
        )
        content = reply["content"]
        if content["status"] != "ok":
            raise RuntimeError(f"{content.get('ename')}: {content.get('evalue')}")

    def memory_peak_mb(self) -> float | None:
        """The kernel process's peak resident memory (Linux), else its current one, in MB."""
        pid = self.pid
        return None if pid is None else process_memory_peak_mb(pid)

    def stop(self) -> None:
        """Kill the kernel at once (its outputs are already in) and free every resource."""
        loop, self._loop = self._loop, None
        client, self._client = self._client, None
        manager, self._manager = self._manager, None
        try:
            if client is not None:
                client.stop_channels()
            if manager is not None and loop is not None and manager.has_kernel:
                loop.run_until_complete(manager.shutdown_kernel(now=True))
            elif manager is not None and loop is not None:
                loop.run_until_complete(manager.cleanup_resources())
        finally:
            if loop is not None:
                loop.close()
            if self._sockets is not None:
                self._sockets.cleanup()
                self._sockets = None
            with _live_lock:
                _live.discard(self)

    def kill(self) -> None:
        """Kill the kernel process and remove its sockets, from any thread (emergency stop).

        For a worker whose parent died: no event loop or client is touched.
        """
        pid = self.pid
        if pid:
            try:
                os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))
            except OSError:
                pass
        if self._sockets is not None:
            shutil.rmtree(self._sockets.name, ignore_errors=True)


def kill_sessions() -> None:
    """:meth:`KernelSession.kill` every session of this process that was not stopped."""
    with _live_lock:
        sessions = list(_live)
    for session in sessions:
        session.kill()


_live: set[KernelSession] = set()
_live_lock = threading.Lock()


def process_memory_peak_mb(pid: int) -> float | None:
    """Peak resident memory of a process (``VmHWM`` on Linux), else its current one, in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import psutil

        return psutil.Process(pid).memory_info().rss / 2**20
    except Exception:  # noqa: BLE001 - a measurement, never a reason to fail a report
        return None


def _remaining(deadline: float | None) -> Callable[[object], float | None]:
    """nbclient's ``timeout_func``: each cell may run until the notebook's deadline."""

    def timeout(_cell) -> float | None:
        if deadline is None:
            return None
        return max(deadline - time.monotonic(), 0.01)  # 0 would mean no limit to nbclient

    return timeout


def _ignore(_message) -> None:
    """Output hook of the session's own code: nothing it prints is shown."""
