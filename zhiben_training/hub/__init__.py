"""One exam or one lesson session for many people at once, on JupyterHub.

``codes`` (准考证号: issue, check, lock), ``config`` (the hub's generated folder) need no
JupyterHub import; ``authenticator`` and ``spawner`` are the classes the generated config names.
"""

from zhiben_training.hub.codes import (
           ROLES,
           Admission,
           LoginRefusedError,
           add_staff,
           check_login,
           issue_codes,
           unlock,
)
from zhiben_training.hub.config import write_hub_config

__all__ = ["ROLES", "Admission", "LoginRefusedError", "add_staff", "check_login", "issue_codes", "unlock",
           "write_hub_config"]
