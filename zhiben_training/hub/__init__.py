"""One exam or one lesson session for many people at once, on JupyterHub.

``codes`` (准考证号: issue, check, lock), ``config`` (the hub's generated folder) and ``hours`` (学时 of a
lesson session from its recorded events) need no JupyterHub import; ``authenticator`` and ``spawner`` are the classes the generated config names.
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
from zhiben_training.hub.hours import credit_rule, import_session_hours, session_events, session_hours

__all__ = ["ROLES", "Admission", "LoginRefusedError", "add_staff", "check_login", "issue_codes", "unlock",
           "write_hub_config", "credit_rule", "session_events", "session_hours", "import_session_hours"]
