"""JupyterHub login as exams in China work: ID number (身份证号) plus admission code (准考证号).

The check itself is :func:`zhiben_training.hub.codes.check_login` (codes stored as scrypt
hashes, wrong attempts limited, the code valid only while the trainee's exam window is open).
This module only adapts it to JupyterHub: the refusal reason (Chinese) is shown on the login
page, and the account's role becomes its JupyterHub group (trainees / examiners / trainers), to
which the hub config gives roles.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from jupyterhub.auth import Authenticator
from jupyterhub.handlers.login import LoginHandler, LogoutHandler
from traitlets import Bool, Unicode

from zhiben_training.assess.exchange import log_event, login_refusal
from zhiben_training.hub.codes import LoginRefusedError, check_login, normalize_id
from zhiben_training.hub.entry import enter_url

__all__ = ["ExamCodeAuthenticator", "ExamLoginHandler", "ExamLogoutHandler", "GROUPS"]

GROUPS = {"trainee": "trainees", "examiner": "examiners", "trainer": "trainers"}


class ExamLoginHandler(LoginHandler):
    """The stock login handler, with our Chinese reason in place of "Invalid username or password", and
    a trainee whose server is running sent straight to it (hub/entry.py: no OAuth round trip)."""

    def get_next_url(self, user=None, default=None):
        url = super().get_next_url(user, default)
        if self.request.method == "POST" and user is not None:
            return enter_url(self, user, url) or url
        return url

    def _render(self, login_error=None, username=None, **kwargs):
        reason = getattr(self, "zhiben_refusal", None)
        return super()._render(login_error=reason or login_error, username=username, **kwargs)


class ExamLogoutHandler(LogoutHandler):
    """The stock logout, which first writes a ``logout`` event (学时 stop counting there, hub/hours.py)."""

    async def handle_logout(self):
        user = self.current_user
        if user is not None:
            log_event(Path(self.authenticator.course_root), "logout", user=user.name[:32],
                      hub=self.authenticator.hub_dir)
        await super().handle_logout()


class ExamCodeAuthenticator(Authenticator):
    course_root = Unicode(help="The assessments course root whose hub/codes.json holds the "
                          "codes.").tag(config=True)
    hub_dir = Unicode("", help="This hub's folder: logins and logouts name it, so 学时 count per "
                      "session.").tag(config=True)

    @property
    def _root(self) -> Path:
        return Path(self.course_root)

    # every account in codes.json may log in; its code and exam window decide
    allow_all = Bool(True).tag(config=True)
    manage_groups = Bool(True).tag(config=True)

    def get_handlers(self, app):
        return [("/login", ExamLoginHandler), ("/logout", ExamLogoutHandler)]

    def normalize_username(self, username):
        return normalize_id(username)

    async def authenticate(self, handler, data):
        username = normalize_id(data.get("username", ""))
        code = data.get("password", "")
        loop = asyncio.get_running_loop()
        try:  # the scrypt check (a few ms) and the file reads: off the event loop
            admission = await loop.run_in_executor(
                None, lambda: check_login(self._root, username, code, window_open=login_refusal(self._root)))
        except LoginRefusedError as refused:
            handler.zhiben_refusal = refused.message
            log_event(self._root, "login-refused", user=username[:32], reason=refused.message)
            return None
        log_event(self._root, "login", user=admission.username, role=admission.role, hub=self.hub_dir)
        return {"name": admission.username, "groups": [GROUPS[admission.role]],
                "auth_state": None}
