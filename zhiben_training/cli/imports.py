"""``zhiben import people|enterprises|attendance|hours FILE``."""

from __future__ import annotations

from pathlib import Path

import click

from zhiben_training.errors import ImportValidationError

from ._registry_common import db_option, echo_problems, open_from

_HELP = {
    "people": "导入人员（身份证号、姓名、单位、岗位……）。",
    "enterprises": "导入单位（统一社会信用代码、名称、类型、所在区……）。",
    "attendance": "导入培训签到与学时（身份证号、培训轮次、培训日期、学时）。",
    "hours": "导入继续教育学时（身份证号、日期、学时、培训内容、培训机构）。",
}
_SHOWN = 30


@click.group(name="import")
def command() -> None:
    """从 Excel（.xlsx）或 CSV（UTF-8 或 GBK/GB18030）文件导入登记数据。

    每一行都会校验（身份证号与统一社会信用代码校验位、日期、可选值、重复行、未知引用、学时范围）。
    表头可以不在第一行（上方的标题行会跳过）；身份证号、统一社会信用代码中的全角字符和空格会规范化。
    任何一行有误则不写入任何数据，问题清单打印出来并保存为“文件名.导入报告.csv”（导入成功后旧报告被删除）。
    手机号中的空格和短横线会去掉；岗位可写常用同义词（如 主要负责人 → 实际负责人、法人代表 → 法定代表人），
    每一处换算都逐行打印并写入报告。
    重复导入同一文件不会改变任何数据。模板见 zhiben template。
    """


def _make(kind: str) -> click.Command:
    @command.command(name=kind, help=_HELP[kind] + " FILE 为 .xlsx 或 .csv。")
    @click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
    @db_option
    def run(file: Path, db_url: str | None) -> None:
        registry = open_from(db_url)
        try:
            result = registry.import_file(kind, file)
        except ImportValidationError as err:
            echo_problems(err, shown=_SHOWN)
            raise
        finally:
            registry.close()
        if result.encoding == "GB18030":
            click.echo("按 GBK/GB18030 编码读取（中文版 Excel 保存的 CSV）。")
        if result.removed_report:
            click.echo(f"已删除上次的导入报告 {result.removed_report}。")
        for note in result.notes[:_SHOWN]:
            click.echo(f"第 {note['row']} 行 【{note['column']}】 {note['value']}：{note['reason']}")
        if len(result.notes) > _SHOWN:
            click.echo(f"……另有 {len(result.notes) - _SHOWN} 行按同义词登记。")
        if result.report_path:
            click.echo(f"按同义词登记的行已列入报告 {result.report_path}。")
        click.echo(f"已导入 {result.rows} 行：新增 {result.inserted}，更新 {result.updated}，"
                   f"未变 {result.unchanged}。")

    return run


for _kind in _HELP:
    _make(_kind)
