// zhiben-paper:activity: the learner's own actions on the page, reported to the hub for 学时.
//
// On a hub trainee server the server extension zhiben_training/hub/activity.py answers at
// <base>/zhiben/activity with its heartbeat interval; elsewhere (a learner's own lab, an offline
// paper) the address does not exist and this plugin does nothing at all.
// What counts as the learner acting: a mouse move (the pointer really moved), a button pressed, a key,
// the wheel, a touch, or the browser window coming back into focus, all only from the person
// (event.isTrusted) and only while the tab is visible. A page left open with nobody at it sends
// nothing, whatever its kernel or its outputs do.
// Throttle: the first action sends at once; further actions within the interval send one heartbeat
// at the end of it, carrying how many seconds ago the latest action was (the server stamps that moment).
const ROUTE = "zhiben/activity";
const EVENTS = ["mousemove", "mousedown", "keydown", "wheel", "touchstart"];

function xsrfToken() {
  const match = document.cookie.match("\\b_xsrf=([^;]*)\\b");
  return match ? decodeURIComponent(match[1]) : "";
}

function request(settings, method, body) {
  // What ServerConnection.makeRequest does, without another package: the server's token or the
  // hub's cookie authenticates, the _xsrf cookie answers the server's XSRF check.
  const headers = { "Content-Type": "application/json" };
  if (settings.token) {
    headers.Authorization = `token ${settings.token}`;
  }
  const xsrf = xsrfToken();
  if (xsrf) {
    headers["X-XSRFToken"] = xsrf;
  }
  const init = { ...settings.init, method, headers, cache: "no-store" };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
  }
  // window.fetch must be called on the window ("Illegal invocation" otherwise)
  const fetcher = settings.fetch || window.fetch;
  return fetcher.call(window, settings.baseUrl + ROUTE, init);
}

function viewing(app) {
  const widget = app.shell.currentWidget;
  return widget && widget.context && typeof widget.context.path === "string" ? widget.context.path : null;
}

function heartbeats(app, settings, intervalMs) {
  let lastSent = -Infinity;
  let lastAction = null;
  let timer = null;
  let pointer = null;

  const send = () => {
    timer = null;
    if (lastAction === null) {
      return;
    }
    const now = performance.now();
    const ago = Math.max(0, (now - lastAction) / 1000);
    lastAction = null;
    lastSent = now;
    request(settings, "POST", { ago, viewing: viewing(app) }).catch((err) =>
      console.warn("zhiben-paper: activity heartbeat not sent", err));
  };
  const acted = (event) => {
    if (!event.isTrusted || document.visibilityState !== "visible") {
      return;
    }
    if (event.type === "mousemove") {
      // Chromium sends a mousemove after a layout change under a still pointer: not the learner
      const here = `${event.screenX},${event.screenY}`;
      if (here === pointer) {
        return;
      }
      pointer = here;
    }
    lastAction = performance.now();
    const wait = lastSent + intervalMs - lastAction;
    if (wait <= 0) {
      send();
    } else if (timer === null) {
      timer = setTimeout(send, wait);
    }
  };
  for (const name of EVENTS) {
    window.addEventListener(name, acted, { capture: true, passive: true });
  }
  window.addEventListener("focus", acted);
}

export const activityHeartbeat = {
  id: "zhiben-paper:activity",
  description: "Reports the learner's own actions on the page to the hub's activity record (学时)",
  autoStart: true,
  activate: (app) => {
    const settings = app.serviceManager.serverSettings;
    request(settings, "GET")
      .then((reply) => (reply.ok ? reply.json() : null))
      .then((answer) => {
        if (answer && answer.interval > 0) {
          heartbeats(app, settings, answer.interval * 1000);
        }
      })
      .catch((err) => console.warn("zhiben-paper: no activity record", err));
  },
};
