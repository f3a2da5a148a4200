"""Cells shared by every lesson: the set-up cell, quote formatting and the self-check block."""

from __future__ import annotations

PLAN = "《天津市住建领域安全生产治本攻坚三年行动方案（2024-2026年）》"


def setup(*extra: str) -> tuple[str, str]:
    """The first code cell: imports, the bundled CJK font for charts, nothing that waits for input."""
    lines = [
        "# 准备工作：导入课程工具（无需修改，直接运行）",
        "import ipywidgets as widgets",
        "from IPython.display import HTML, Markdown, display",
        "",
        "from zhiben_training.fonts import use_cjk_font",
        "from zhiben_training.lessons import selfcheck",
        "from zhiben_training.lessons.widgets import live, text_table",
        *extra,
        "",
        "字体 = use_cjk_font()  # 图表使用随工具包安装的思源黑体（Noto Sans CJK），保证中文正常显示",
    ]
    return ("code", "\n".join(lines))


def quote(text: str, ref: str) -> str:
    """A markdown block quote with its citation underneath."""
    return f"> {text}\n>\n> ——{ref}"


def intro(title: str, minutes: str, goals: list[str],
          audience: str = "企业主要负责人、专职安全生产管理人员") -> tuple[str, str]:
    goal_lines = "\n".join(f"{n}. {g}" for n, g in enumerate(goals, start=1))
    return ("md", f"""# {title}

**适用对象**：{audience}　**建议用时**：{minutes}

**学习目标**

{goal_lines}

**使用方法**：打开即可学习，无需运行任何内容（稍等片刻，滑块、按钮和选项会自动出现）。带滑块、按钮、选项的部分可以直接操作，
练习题先作答、再看参考答案；最后的“自测”点击按钮给出得分和解析。""")


def selfcheck_cells(lesson: str) -> list[tuple[str, str]]:
    """Quiz widgets recording into ``自测作答``, and a feedback cell computed from that dict."""
    return [
        ("md", """## 自测

选择答案后点击“提交自测，查看反馈”；改了答案可以再点一次，得分随之更新。"""),
        ("code", f"""自测题 = selfcheck.questions("{lesson}")
自测作答 = {{}}  # 每次选择都会写入这里，例如 {{"q1": "B"}}
display(selfcheck.quiz(自测题, 自测作答), selfcheck.check_panel(自测题, 自测作答))"""),
    ]
