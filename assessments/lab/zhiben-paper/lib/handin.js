// zhiben-paper:hand-in: a 交卷 button on the paper, on the hub's trainee servers only.
//
// The hub writes `zhibenHandIn` into the trainee servers' page config (hub/config.py): a JSON string
// `{course_id, receipt}` where receipt is the receipt file's name with `{assignment}` in it. Without
// it (offline zip, course lab, an examiner's lab) there is no button. A notebook gets the button when
// it is a paper (`metadata.zhiben.trainee_id`) lying in its assignment's folder (`<assignment>/x.ipynb`,
// where the hub places it). The click saves the paper, then asks nbgrader's own assignment_list server
// extension to submit (`POST assignments/submit`), which runs the project's exchange (window check,
// receipt with the SHA-256 of the bytes handed in), and shows the receipt or the refusal in Chinese.
import { Dialog, ToolbarButton, showDialog } from "@jupyterlab/apputils";
import { PageConfig } from "@jupyterlab/coreutils";
import { INotebookTracker } from "@jupyterlab/notebook";
import { ServerConnection } from "@jupyterlab/services";
import { Widget } from "@lumino/widgets";

function handInConfig() {
  const raw = PageConfig.getOption("zhibenHandIn");
  if (!raw) {
    return null;
  }
  try {
    const config = typeof raw === "string" ? JSON.parse(raw) : raw;
    return config && config.course_id && config.receipt ? config : null;
  } catch (err) {
    return null;
  }
}

function assignmentOf(panel) {
  const meta = panel.model ? panel.model.getMetadata("zhiben") : null;
  const parts = panel.context.path.split("/");
  if (!meta || typeof meta !== "object" || !meta.trainee_id || parts.length !== 2) {
    return null;
  }
  return parts[0];
}

function textBody(lines) {
  const body = new Widget();
  body.addClass("zb-hand-in-dialog");
  for (const line of lines) {
    const p = document.createElement(line.pre ? "pre" : "p");
    p.textContent = line.text;
    body.node.appendChild(p);
  }
  return body;
}

// The exchange's refusal is the last line of the traceback nbgrader returns ("…Error: <Chinese>")
function refusalOf(value) {
  const lines = String(value || "").trim().split("\n");
  const last = lines.length ? lines[lines.length - 1] : "";
  const match = last.match(/^[\w.]*(?:Error|Exception): (.+)$/);
  const text = match ? match[1] : last;
  return /[\u4e00-\u9fff]/.test(text) ? text : `交卷没有成功：${text.slice(0, 200)}。请联系考核人员。`;
}

async function submit(app, config, assignment) {
  const settings = app.serviceManager.serverSettings;
  const url = `${settings.baseUrl.replace(/\/$/, "")}/assignments/submit`;
  const init = { method: "POST", body: JSON.stringify({ course_id: config.course_id, assignment_id: assignment }) };
  const response = await ServerConnection.makeRequest(url, init, settings);
  if (!response.ok) {
    return { ok: false, text: `交卷没有成功（服务器答复 ${response.status}）：请刷新页面后重试，或联系考核人员。` };
  }
  const answer = await response.json();
  return answer.success ? { ok: true } : { ok: false, text: refusalOf(answer.value) };
}

async function handIn(app, panel, config, assignment) {
  const asked = await showDialog({
    title: "交卷",
    body: textBody([
      { text: `将您已保存的答卷（考核 ${assignment}）交给考核人员。` },
      { text: "考试结束前可以再次交卷，考核人员收取最后一次交的答卷。" },
    ]),
    buttons: [Dialog.cancelButton({ label: "取消" }), Dialog.okButton({ label: "确定交卷" })],
  });
  if (!asked.button.accept) {
    return;
  }
  try {
    await panel.context.save();
  } catch (err) {
    await showDialog({ title: "未能交卷", body: textBody([{ text: "答卷没有保存成功，请稍候重试，或联系考核人员。" }]),
      buttons: [Dialog.okButton({ label: "知道了" })] });
    return;
  }
  const result = await submit(app, config, assignment);
  if (!result.ok) {
    await showDialog({ title: "未能交卷", body: textBody([{ text: result.text }]),
      buttons: [Dialog.okButton({ label: "知道了" })] });
    return;
  }
  const receipt = config.receipt.replace("{assignment}", assignment);
  let text = "";
  try {
    const model = await app.serviceManager.contents.get(receipt, { content: true, type: "file", format: "text" });
    text = String(model.content || "");
  } catch (err) {
    text = "（回执文件暂时读不到，请稍后在文件列表中打开它。）";
  }
  await showDialog({
    title: "已交卷",
    body: textBody([
      { text: `交卷回执（也保存在您的文件夹中：${receipt}）：` },
      { text, pre: true },
    ]),
    buttons: [Dialog.okButton({ label: "知道了" })],
  });
}

async function addButton(app, panel, config) {
  await panel.context.ready;
  const assignment = assignmentOf(panel);
  if (!assignment || panel.isDisposed) {
    return;
  }
  let busy = false;
  const button = new ToolbarButton({
    className: "zb-hand-in",
    label: "交卷",
    tooltip: "把已保存的答卷交给考核人员，并显示交卷回执",
    onClick: () => {
      if (busy) {
        return;
      }
      busy = true;
      handIn(app, panel, config, assignment)
        .catch((err) => console.error("zhiben-paper: hand-in failed", err))
        .finally(() => {
          busy = false;
        });
    },
  });
  // beside the paper's 已保存 status (lib/ready.js), where the trainee looks before handing in
  if (!panel.toolbar.insertAfter("zb-save-status", "zb-hand-in", button)) {
    panel.toolbar.insertItem(1, "zb-hand-in", button);
  }
}

export const handInButton = {
  id: "zhiben-paper:hand-in",
  description: "A 交卷 button on a paper on the hub's trainee server: nbgrader's submit, receipt in Chinese",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (app, tracker) => {
    const config = handInConfig();
    if (!config) {
      return;
    }
    tracker.widgetAdded.connect((_, panel) => {
      addButton(app, panel, config).catch((err) => console.error("zhiben-paper: hand-in button failed", err));
    });
  },
};
