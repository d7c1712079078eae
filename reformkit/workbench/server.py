"""``reformkit workshop``: the workbench notebook served by Voilà for a council hall, safely.

* Listens on 127.0.0.1 by default, and answers only requests whose ``Host`` header names an allowed host
  (``localhost``, ``127.0.0.1``, ``[::1]``, the address listened on, and any ``--allow-host``): a web page on
  another site that points its own name at this machine (DNS rebinding) gets 403, not the workshop.
* Kernels are culled: a kernel whose browser tab is closed (no connection) goes after ``closed_seconds``; one
  left idle with a tab open after ``idle_minutes``. Voilà 0.5 only has jupyter-server's single idle timeout
  (``MappingKernelManager.cull_idle_timeout``, ``cull_interval``, ``cull_connected``), so
  :class:`WorkshopKernelManager` adds the closed-tab rule on top of it.
* No configuration file is read from the working directory (a ``voila.py`` there could run code).
* :func:`serve` runs Voilà in its own process group, forwards SIGTERM and SIGINT to it, waits for it to shut
  its kernels down, and kills whatever is left (Voilà and every kernel it started) after a grace period.

Run by :func:`reformkit.cli.output.cmd_workshop`; the Voilà process itself is ``python -m
reformkit.workbench.server NOTEBOOK [voila options]``.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

from .._proc import alive, descendants

#: Hosts always allowed in the ``Host`` header (names of this machine's loopback interface).
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "::1")
#: Seconds Voilà gets to shut its kernels down after SIGTERM before everything left is killed.
STOP_GRACE = 15.0
ENV_HOSTS = "REFORMKIT_WORKSHOP_HOSTS"
#: The Voilà template (``resources/jupyter/voila/templates/reformkit``): the lab template without CDN links.
TEMPLATE = "reformkit"


def jupyter_path() -> str:
    """``JUPYTER_PATH`` for the Voilà process: the package's Jupyter data folder (its template) first."""
    own = Path(__file__).resolve().parents[1] / "resources" / "jupyter"
    return os.pathsep.join([str(own), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))])


def _kernel_manager_class():
    from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
    from jupyter_server.utils import ensure_async
    from jupyter_server._tz import utcnow
    from traitlets import Integer

    class WorkshopKernelManager(AsyncMappingKernelManager):
        """jupyter-server's kernel manager plus one rule: a kernel with no open connection (its tab was closed)
        is shut down once it has been quiet for ``closed_seconds``."""

        closed_seconds = Integer(60, config=True, help="Cull a kernel without connections after this many "
                                                       "quiet seconds.")

        async def cull_kernel_if_idle(self, kernel_id: str):
            kernel = self._kernels.get(kernel_id)
            quiet = utcnow() - getattr(kernel, "last_activity", utcnow()) if kernel is not None else timedelta(0)
            if (kernel is not None and not self._kernel_connections.get(kernel_id, 0)
                    and getattr(kernel, "execution_state", "") != "busy"
                    and quiet > timedelta(seconds=self.closed_seconds)):
                self.log.info("Culling kernel %s: its tab is closed (quiet %d s).", kernel_id, quiet.total_seconds())
                await ensure_async(self.shutdown_kernel(kernel_id))
                return
            return await super().cull_kernel_if_idle(kernel_id)

    return WorkshopKernelManager


def __getattr__(name: str):
    # ``--VoilaConfiguration.multi_kernel_manager_class=reformkit.workbench.server.WorkshopKernelManager``
    # imports this attribute; building it lazily keeps jupyter-server out of a plain ``import reformkit``.
    if name == "WorkshopKernelManager":
        return _kernel_manager_class()
    raise AttributeError(name)


def host_pattern(hosts: list[str]) -> str:
    """A tornado host pattern matching exactly ``hosts`` (compared without the port, case-insensitively)."""
    return "(" + "|".join(re.escape(h.lower()) for h in dict.fromkeys(hosts)) + ")$"


def _voila_class():
    import tornado.web
    from voila.app import Voila

    class Refuse(tornado.web.RequestHandler):
        def prepare(self):
            raise tornado.web.HTTPError(403, "host not allowed")

    class WorkshopVoila(Voila):
        """Voilà whose handlers answer only allowed hosts, and which reads no configuration files."""

        def _config_file_paths_default(self):
            return []

        def start(self):
            import tempfile
            self.connection_dir = tempfile.mkdtemp(prefix="voila_", dir=self.connection_dir_root)
            self.app = tornado.web.Application(**self.init_settings())
            self.app.settings.update(self.tornado_settings)
            hosts = [*LOCAL_HOSTS, self.ip, *filter(None, os.environ.get(ENV_HOSTS, "").split(","))]
            self.app.add_handlers(host_pattern([h for h in hosts if h]), self.init_handlers())
            self.app.add_handlers(".*$", [(r".*", Refuse)])
            self.listen()

    return WorkshopVoila


def voila_args(notebook: Path, *, port: int, ip: str, idle_minutes: float, closed_seconds: int,
               cull_interval: int = 10) -> list[str]:
    """The command line of the Voilà process."""
    manager = "WorkshopKernelManager"
    return [sys.executable, "-m", "reformkit.workbench.server", str(notebook), f"--port={port}",
            f"--Voila.ip={ip}", "--Voila.port_retries=0", "--no-browser", "--show_tracebacks=False",
            f"--template={TEMPLATE}",
            f"--VoilaConfiguration.multi_kernel_manager_class=reformkit.workbench.server.{manager}",
            f"--{manager}.cull_idle_timeout={max(1, int(idle_minutes * 60))}",
            f"--{manager}.cull_interval={cull_interval}", f"--{manager}.cull_connected=True",
            f"--{manager}.closed_seconds={closed_seconds}"]


def _kill(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def stop(proc: subprocess.Popen, grace: float = STOP_GRACE) -> int:
    """Stop Voilà: SIGTERM (it shuts its kernels down), wait ``grace`` seconds, then kill what is left."""
    family = descendants(proc.pid)
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    family = list(dict.fromkeys(family + descendants(proc.pid)))
    _kill([p for p in family if alive(p)])
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return proc.wait()



def serve(args: list[str], env: dict[str, str], cwd: Path) -> int:
    """Run the Voilà command ``args`` until it exits or this process gets SIGTERM or SIGINT; then stop it and
    every kernel (:func:`stop`). Returns Voilà's exit status (0 after a requested stop)."""
    proc = subprocess.Popen(args, env=env, cwd=cwd, start_new_session=True)
    def on_signal(signum, frame):
        raise KeyboardInterrupt

    old = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        while proc.poll() is None:
            time.sleep(0.2)
        return proc.returncode
    except KeyboardInterrupt:
        stop(proc)
        return 0
    finally:
        if proc.poll() is None:
            stop(proc)
        for s, handler in old.items():
            signal.signal(s, handler)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the Voilà process (``python -m reformkit.workbench.server``)."""
    _voila_class().launch_instance(argv)


if __name__ == "__main__":
    main()
