"""A login that lands on the trainee's running server in one step, without JupyterHub's OAuth round trip.

JupyterHub's own way, after the login: the browser goes to the trainee's server, which sends it to the
hub's OAuth ``authorize``, which sends it back to the server's ``oauth_callback``, where the server asks
the hub for a token and then for its owner, sets its cookie and sends the browser on to the paper — six
requests through the proxy and four on the hub's single thread, per login. With 100 trainees logging in
at the opening time those were most of the hub's CPU (benchmarks/bench_prestart.py).

Here, when the trainee's server is already running (pre-started), the login itself issues the access
token that OAuth would have issued — same owner, same server client, the scopes the server's OAuth
request gets (identify + access to this one server), bound to the login session so that logging out
revokes it — and redirects to the server's ``zhiben/enter`` with it. That handler (a Jupyter server
extension of the trainee server) asks the hub whom the token belongs to (one request, then cached),
accepts it only when it is this server's owner's and grants access to this server, stores it in the
server's cookie exactly as the OAuth callback does (``HubOAuth.set_cookie``) and redirects to the page
asked for, so the token is in the address bar for one redirect only. Anything else (no token, a token of
someone else, the hub saying no) falls through to the page, where JupyterHub's OAuth runs as before.

A token in a URL can be handed to someone else, like the admission code; it opens one server, its
owner's, and lasts one exam day at most (``TOKEN_SECONDS``); the logout ends it.
"""

from __future__ import annotations

import os

__all__ = ["ENTER_PATH", "TOKEN_SECONDS", "enter_url"]

ENTER_PATH = "zhiben/enter"
TOKEN_SECONDS = 12 * 3600


def enter_url(handler, user, next_url: str) -> str | None:
    """On the hub, in the login handler: the one-step URL to ``user``'s running server for ``next_url``
    (a page of that server), with a fresh access token; None when the server is not running or
    ``next_url`` is not one of its pages (the login then redirects as JupyterHub does)."""
    from jupyterhub import orm
    from jupyterhub.scopes import access_scopes, identify_scopes
    from jupyterhub.utils import url_path_join
    from tornado.httputil import url_concat

    spawner = user.spawner
    if not (spawner.ready and not spawner.pending and user.url and next_url.startswith(user.url)):
        return None
    client = handler.db.query(orm.OAuthClient).filter_by(identifier=spawner.oauth_client_id).one_or_none()
    if client is None:
        return None
    token = orm.APIToken.new(user=user.orm_user, oauth_client=client,
                             scopes={*identify_scopes(), *access_scopes(client)},
                             session_id=handler.get_session_cookie(), expires_in=TOKEN_SECONDS,
                             note="zhiben login")
    return url_concat(url_path_join(user.url, ENTER_PATH), {"token": token, "next": next_url[len(user.url):]})


def _safe_next(base_url: str, default_url: str, asked: str) -> str:
    """A page of this server only: ``asked`` relative to ``base_url``, else the server's default page."""
    from jupyter_server.utils import url_path_join

    parts = asked.split("?")[0].split("/")
    if not asked or asked.startswith("/") or "\\" in asked or ":" in parts[0] or ".." in parts:
        return default_url
    return url_path_join(base_url, asked)


def _handler_class():
    from jupyter_server.base.handlers import JupyterHandler

    class EnterHandler(JupyterHandler):
        """GET ``?token=…&next=…``: store the login's token in this server's cookie, then go to ``next``."""

        async def get(self):
            token = self.get_argument("token", "")
            target = _safe_next(self.base_url, self.settings.get("default_url") or self.base_url,
                                self.get_argument("next", ""))
            hub_auth = getattr(self.identity_provider, "hub_auth", None)
            if token and hub_auth is not None:
                owner = await hub_auth.user_for_token(token, session_id=hub_auth.get_session_id(self),
                                                      sync=False)
                if (owner and owner.get("kind", "user") == "user"
                        and owner.get("name") == os.environ.get("JUPYTERHUB_USER")
                        and hub_auth.check_scopes(hub_auth.access_scopes, owner)):
                    hub_auth.set_cookie(self, token)
                else:
                    self.log.warning("zhiben: a login token that is not for this server was ignored")
            self.redirect(target)

    return EnterHandler


def _jupyter_server_extension_points():
    return [{"module": "zhiben_training.hub.entry"}]


def _load_jupyter_server_extension(serverapp) -> None:
    if not os.environ.get("JUPYTERHUB_USER"):  # only a hub's trainee server has a hub to ask
        return
    from jupyter_server.utils import url_path_join

    route = url_path_join(serverapp.web_app.settings["base_url"], ENTER_PATH)
    serverapp.web_app.add_handlers(".*$", [(route, _handler_class())])
