// zhiben-paper:open-ready: a notebook that asks for it opens ready to use and keeps itself saved.
//
// Driven by metadata only, so papers and lessons share it (nothing here knows what a paper is):
// - notebook `metadata.zhiben.open_ready: true`: when the notebook opens, its kernel starts and every
//   code cell with `metadata.zhiben.run_on_open: true` runs once, in order (setup, then the cells
//   that show answer widgets, restored by the kernel from the saved file). Code cells whose source
//   is hidden (`metadata.jupyter.source_hidden`) show no input area at all, cells with
//   `metadata.zhiben.hidden: true` are not shown, and a run-on-open cell never shows plain-text
//   output (a widget's repr while its kernel starts). `metadata.zhiben.validate: false` hides
//   nbgrader's Validate (检查作答) button: a lesson is no paper to hand in.
// - notebook `metadata.zhiben.autosave: true`: any change on screen (a widget clicked, text typed)
//   saves the notebook after DELAY ms of quiet (JupyterLab then writes the widget state into the
//   file), and the toolbar shows 已保存 hh:mm:ss / 未保存 / 正在保存….
// A notebook without these keys is left exactly as JupyterLab shows it.
import { CodeCell } from "@jupyterlab/cells";
import { INotebookTracker } from "@jupyterlab/notebook";
import { Widget } from "@lumino/widgets";

const DELAY = 500;

function flags(panel) {
  const meta = panel.model ? panel.model.getMetadata("zhiben") : null;
  return meta && typeof meta === "object" ? meta : {};
}

function cellFlags(cell) {
  const meta = cell.model.getMetadata("zhiben");
  return meta && typeof meta === "object" ? meta : {};
}

function clock() {
  return new Date().toTimeString().slice(0, 8);
}

function markCells(panel) {
  for (const cell of panel.content.widgets) {
    const own = cellFlags(cell);
    const hidden = (cell.model.getMetadata("jupyter") || {}).source_hidden === true;
    cell.toggleClass("zb-hidden", own.hidden === true);
    cell.toggleClass("zb-run-on-open", own.run_on_open === true);
    cell.toggleClass("zb-source-hidden", hidden && cell.model.type === "code");
  }
}

// A run whose replies never come: the kernel sits idle while replies are still awaited (they went to
// a websocket the page replaced, e.g. when a trainee's server came back after dying), or a run
// cancelled with its connection. Such a run is sent again (the marked cells restore everything from
// the saved file, so running them twice changes nothing); a slow kernel is never interrupted.
const LOST = "lost";
const IDLE_MS = 5000;
const ATTEMPTS = 3;

function repliesLost(session) {
  let timer = null;
  const lost = new Promise((resolve) => {
    let idleSince = null;
    timer = setInterval(() => {
      const kernel = session.session && session.session.kernel;
      if (!kernel || kernel.status !== "idle" || kernel.connectionStatus !== "connected") {
        idleSince = null;
        return;
      }
      idleSince = idleSince || Date.now();
      if (Date.now() - idleSince >= IDLE_MS) {
        resolve(LOST);
      }
    }, 250);
  });
  return { lost, stop: () => clearInterval(timer) };
}

async function runMarked(panel, session) {
  // Sent at once, as Run All does: the kernel runs them in order while the widgets appear
  const runs = panel.content.widgets
    .filter((cell) => cell.model.type === "code" && cellFlags(cell).run_on_open === true)
    .map((cell) => CodeCell.execute(cell, session));
  const watch = repliesLost(session);
  try {
    // a run cancelled with its kernel connection rejects: sent again like a lost one
    return await Promise.race([Promise.all(runs).catch(() => LOST), watch.lost]);
  } finally {
    watch.stop();
  }
}

async function runOnOpen(panel, status) {
  const session = panel.sessionContext;
  await session.ready;
  if (!session.session || !session.session.kernel) {
    status.show("未能启动计算内核：请刷新页面重试", "zb-error");
    return false;
  }
  status.show("正在准备…", "zb-busy");
  let replies = LOST;
  for (let attempt = 0; attempt < ATTEMPTS && replies === LOST; attempt++) {
    if (attempt > 0) {
      console.warn("zhiben-paper: the setup cells' replies were lost; running them again");
    }
    replies = await runMarked(panel, session);
  }
  if (replies === LOST) {
    status.show("准备未完成：请刷新页面重试", "zb-error");
    return false;
  }
  if (replies.some((reply) => reply && reply.content && reply.content.status === "error")) {
    status.show("准备时出错：请刷新页面重试，或联系考核人员", "zb-error");
    return false;
  }
  return true;
}

class SaveStatus extends Widget {
  constructor() {
    super();
    this.addClass("zb-save-status");
  }

  show(text, kind) {
    this.node.textContent = text;
    this.node.dataset.state = kind || "";
  }
}

function autosave(panel, status) {
  // Returns start(): changes made before it (while the notebook is being prepared) are saved then.
  let timer = null;
  let saving = false;
  let again = false;
  let started = false;
  let early = false;

  const save = async () => {
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    status.show("正在保存…", "zb-busy");
    try {
      await panel.context.save();
      status.show(`已保存 ${clock()}`, "zb-saved");
    } catch (err) {
      status.show(`未保存（保存失败：${String(err && err.message ? err.message : err).slice(0, 60)}）`, "zb-error");
    }
    saving = false;
    if (again) {
      again = false;
      schedule();
    }
  };
  const schedule = () => {
    if (panel.isDisposed) {
      return;
    }
    if (!started) {
      early = true;
      return;
    }
    status.show("未保存", "zb-unsaved");
    if (timer !== null) {
      clearTimeout(timer);
    }
    timer = setTimeout(save, DELAY);
  };
  // Widgets change the kernel's models, not the notebook, so their DOM events are the trigger; a
  // typed edit marks the notebook dirty as well.
  panel.content.node.addEventListener("change", schedule, true);
  panel.content.node.addEventListener("input", schedule, true);
  panel.model.stateChanged.connect((_, change) => {
    if (change.name === "dirty" && change.newValue === true) {
      schedule();
    }
  });
  return () => {
    started = true;
    if (early) {
      schedule();
      return;
    }
    // What the opening run changed (fresh widget outputs) shows the answers the file holds
    // already; the file stays as it was until the person changes something.
    panel.model.dirty = false;
    const saved = panel.context.contentsModel && panel.context.contentsModel.last_modified;
    status.show(saved ? `已保存 ${new Date(saved).toTimeString().slice(0, 8)}` : "未保存", "zb-saved");
  };
}

function serializeSaves(context) {
  // One save at a time, whoever asks (autosave, Ctrl+S, nbgrader's Validate): a save that starts
  // while another is on its way sees the file newer than it knows and JupyterLab asks "File
  // Changed" (overwrite or revert), a question a trainee should never get.
  const original = context.save.bind(context);
  let chain = Promise.resolve();
  context.save = (...args) => {
    const next = chain.then(() => original(...args));
    chain = next.catch(() => undefined);
    return next;
  };
}

async function prepare(panel) {
  await panel.context.ready;
  const own = flags(panel);
  if (own.open_ready !== true && own.autosave !== true) {
    return;
  }
  panel.addClass("zb-ready");
  panel.toggleClass("zb-no-validate", own.validate === false);
  markCells(panel);
  const status = new SaveStatus();
  panel.toolbar.insertItem(0, "zb-save-status", status);
  if (own.autosave === true) {
    serializeSaves(panel.context);
  }
  const start = own.autosave === true ? autosave(panel, status) : null;
  if (own.open_ready === true && !(await runOnOpen(panel, status))) {
    return;
  }
  if (start) {
    start();
  } else {
    panel.model.dirty = false;
    status.dispose();
  }
}

export const openReady = {
  id: "zhiben-paper:open-ready",
  description: "Runs a marked notebook's setup cells on open, hides their code, saves every change",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    tracker.widgetAdded.connect((_, panel) => {
      prepare(panel).catch((err) => console.error("zhiben-paper: open-ready failed", err));
    });
  },
};
