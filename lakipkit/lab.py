"""The `lab` extra's Jupyter server extension: clean saves and kernels over IPC.

Installed with the package (`etc/jupyter/jupyter_server_config.d/lakipkit.json` enables it),
active in `jupyter lab` / `jupyter server` only, never imported by `lakip build`:

- saving a workbook notebook writes its committed form (`notebook_bersih.pre_save`): no
  outputs, the metadata JupyterLab adds on open already there, so an unedited notebook
  saves byte-identical;
- on Linux and macOS kernels talk to the server over IPC sockets instead of TCP on
  127.0.0.1 (ipykernel warns at every TCP start that the traffic is not encrypted; IPC
  sockets are files only this user can open). Windows has no IPC transport: TCP there.
"""

from __future__ import annotations

import os
from typing import Any

from lakipkit.notebook_bersih import pre_save


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "lakipkit.lab"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    serverapp.contents_manager.register_pre_save_hook(pre_save)
    if os.name == "posix":
        kernels = serverapp.kernel_manager
        make = kernels.kernel_manager_factory

        def make_ipc(*args: Any, **kwargs: Any) -> Any:
            manager = make(*args, **kwargs)
            manager.transport = "ipc"
            return manager

        kernels.kernel_manager_factory = make_ipc
    serverapp.log.info(
        "lakipkit: workbooks saved without outputs, kernels over %s",
        "IPC" if os.name == "posix" else "TCP",
    )
