"""One exam or one lesson session for many people at once, on JupyterHub.

``codes`` (准考证号: issue, check, lock), ``config`` (the hub's generated folder), ``prestart`` (servers
started before the exam opens) and ``hours`` (学时 of a lesson session from its recorded events) need no
JupyterHub import; ``authenticator`` and ``spawner`` are the classes the generated config names. The face
below is lazy: a name's module loads on first use, so a name from ``spawner`` alone imports JupyterHub.
"""

import lazy_loader as lazy

__getattr__, __dir__, __all__ = lazy.attach(__name__, submod_attrs={
    "check": ["check_hub", "hub_command"],
    "codes": ["ROLES", "Admission", "LoginRefusedError", "add_staff", "check_login", "hub_dir", "issue_codes",
              "normalize_id", "trainee_accounts", "unlock"],
    "config": ["LAUNCHER", "write_hub_config", "write_trainee_config"],
    "hours": ["BEIJING", "credit_rule", "import_session_hours", "session_events", "session_hours"],
    "kubernetes": ["write_kubernetes"],
    "passage": ["closed_to_trainees"],
    "prestart": ["lead_minutes", "prestart_time"],
    "spawner": ["system_user_name"],
})
