// zhiben-paper:validate-text: nbgrader 0.9.6's Validate dialog says what zhiben's validator found, in Chinese.
//
// nbgrader's lab extension has fixed English strings and says "Success! Your notebook passes all the
// tests." whenever the validator reports nothing; zhiben's validator (zhiben_training/assess/
// validate.py) reports an incomplete paper as one "failed" entry holding the Chinese check and a
// complete paper as nothing. This plugin only rewrites the fixed strings of those dialogs and of the
// Validate buttons; it never decides anything itself.
const SUCCESS = "全部题目均已作答（按已保存的试卷文件统计，不判断对错）。交卷前请再保存一次。";
const TEXTS = new Map([
  ["Validation Results", "作答检查"],
  ["Validation failed", "作答检查未能完成"],
  ["Success! Your notebook passes all the tests.", SUCCESS],
  ["The following cell failed:", ""],
  ["The following cell passed:", ""],
  ["The source of the following cell has changed, but it should not have!",
   "以下只读单元格的内容被改动过（评分时以原卷为准）："],
  ["There was an error running the validate command:", "检查时出错："],
  ["Validate", "检查作答"],
  ["Validate Assignment", "检查作答情况（不判断对错）"],
  ["Validating...", "正在检查…"],
  ["Error validating assignment.", "检查时出错。"],
]);
const BODIES = ".validation-success, .validation-failed, .validation-changed, .validation-type-changed, .validation-passed";

function rewrite(node) {
  // Only text nodes' values change and unwanted lines are hidden: no node is added, replaced or
  // removed, so React and Lumino keep owning the elements they built.
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const key = text.nodeValue.trim();
    if (!TEXTS.has(key)) {
      continue;
    }
    const next = TEXTS.get(key);
    if (next === "") {
      if (text.parentElement) {
        text.parentElement.style.display = "none";
      }
    } else {
      text.nodeValue = next;
    }
  }
  for (const el of node.querySelectorAll ? [node, ...node.querySelectorAll("[title]")] : []) {
    if (el.title && TEXTS.has(el.title)) {
      el.title = TEXTS.get(el.title);
    }
  }
}

function scan(root) {
  // The dialogs of nbgrader's validation, and the Validate buttons of the toolbar and the
  // Assignments panel; nothing else on the page is touched.
  for (const body of root.querySelectorAll(BODIES)) {
    rewrite(body.closest(".jp-Dialog-content") || body);
  }
  for (const dialog of root.querySelectorAll(".jp-Dialog-content")) {
    const header = dialog.querySelector(".jp-Dialog-header");
    if (header && (header.textContent.trim() === "Validation failed")) {
      rewrite(dialog);
    }
  }
  for (const button of root.querySelectorAll(".validate-button, .nbgrader-assignment-list button, #assignments button")) {
    rewrite(button);
  }
}

export const validateText = {
  id: "zhiben-paper:validate-text",
  description: "Chinese wording for nbgrader's Validate button and dialog",
  autoStart: true,
  activate: () => {
    let pending = false;
    const observer = new MutationObserver(() => {
      if (!pending) {
        pending = true;
        requestAnimationFrame(() => {
          pending = false;
          scan(document.body);
        });
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    scan(document.body);
  },
};

