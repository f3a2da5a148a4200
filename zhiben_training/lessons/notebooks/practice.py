"""模拟练习: bank questions (never an exam variant's) answered by clicking, with a 错题本 in the
learner's folder."""

from __future__ import annotations

NUMBER = "08"
FILENAME = "08_模拟练习.ipynb"
TITLE = "模拟练习（安全管理人员自学）"


def cells() -> list[tuple[str, str]]:
    return [
        ("md", f"""# {TITLE}

**适用对象**：专职安全生产管理人员、项目负责人（自学）　**建议用时**：每组 10 题约 15 分钟

题目来自培训机构导出的练习题文件 `练习题.json`（放在本笔记本所在的文件夹；`zhiben lessons open` 会一并复制）。
练习题**不含考核试卷中的任何题目**：导出时已排除已生成的考核试卷用到的全部题目。

**使用方法**：打开即可练习（稍等片刻，题目自动出现），逐题点选答案后点“提交本题”，立即看到对错、解析和法规依据。
答错的题目记入同一文件夹中的 `错题本.json`，下次打开仍在；选“只练错题”只练这些题，答对后从错题本中移除。
练完点“记录本次练习”：在多人培训课（JupyterHub）上，成绩像自测一样交给讲师；单机学习时只显示在这里。"""),
        ("code", """# 准备工作：打开本文件夹中的练习题和错题本（无需修改，直接运行）
from pathlib import Path

from zhiben_training.lessons.practice import practice_panel

练习 = practice_panel(Path.cwd(), count=10)
练习"""),
    ]
