"""Untrusted .docx uploads, user-editable templates, the CLI commands and lazy imports."""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from typer.testing import CliRunner

from draftbot.cli import app
from draftbot.datafile import load_report
from draftbot.export import TemplateError, load_document_template
from draftbot.word import DocxImportError, build_docx, import_docx
from written import publishable

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
WORD_CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.wordprocessingml.document.main+xml"/></Types>'
)


@pytest.fixture(scope="module")
def busy_docx() -> bytes:
    return build_docx(publishable(load_report(EXAMPLES / "busy-2023.yaml"))).data


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def _with_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    members = {i.filename: source.read(i.filename) for i in source.infolist()}
    members[name] = content
    return _zip(members)


# --- refusing bad uploads -------------------------------------------------------------------


def test_zip_bomb_is_refused_before_parsing(busy_docx: bytes) -> None:
    bomb = _with_member(busy_docx, "word/document.xml", b"<" + b"a" * (40 * 1024 * 1024))
    assert len(bomb) < 1024 * 1024
    with pytest.raises(DocxImportError, match="压缩炸弹"):
        import_docx(bomb)


def test_huge_uncompressed_total_is_refused(busy_docx: bytes) -> None:
    members = {f"word/media/image{i}.bin": bytes(range(256)) * 4096 * 60 for i in range(14)}
    members["[Content_Types].xml"] = WORD_CONTENT_TYPES.encode()
    with pytest.raises(DocxImportError, match="体积过大"):
        import_docx(_zip(members))


def test_xml_bomb_and_external_entity_are_refused(busy_docx: bytes) -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><w:document>&lol2;</w:document>'
    )
    xxe = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><d>&x;</d>'
    for payload in (laughs, xxe):
        with pytest.raises(DocxImportError, match="不支持的内容"):
            import_docx(_with_member(busy_docx, "word/document.xml", payload))
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE d []><d/>'.encode("utf-16-le")
    with pytest.raises(DocxImportError, match="不支持的内容"):
        import_docx(_with_member(busy_docx, "word/styles.xml", utf16))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "不是 .docx"),
        (b"just some text", "不是 .docx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .doc"),
        (b"PK\x03\x04broken", "已损坏"),
    ],
)
def test_non_docx_content_gets_a_chinese_message(content: bytes, message: str) -> None:
    with pytest.raises(DocxImportError, match=message):
        import_docx(content)


def test_excel_and_macro_files_are_named(busy_docx: bytes) -> None:
    xlsx = _zip({"[Content_Types].xml": b"<Types>spreadsheetml.sheet.main+xml</Types>"})
    with pytest.raises(DocxImportError, match="Excel"):
        import_docx(xlsx)
    docm = _with_member(
        busy_docx,
        "[Content_Types].xml",
        b"<Types>application/vnd.ms-word.document.macroEnabled.main+xml</Types>",
    )
    with pytest.raises(DocxImportError, match="宏"):
        import_docx(docm)


def test_a_word_file_without_the_tables_names_what_is_missing(busy_docx: bytes) -> None:
    import docx

    document = docx.Document()
    document.add_paragraph("某县某局2023年政府信息公开工作年度报告")
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(DocxImportError, match="表二"):
        import_docx(out.getvalue())


def test_broken_xml_inside_a_valid_zip_is_a_message_not_a_traceback(busy_docx: bytes) -> None:
    with pytest.raises(DocxImportError, match="无法打开"):
        import_docx(_with_member(busy_docx, "word/document.xml", b"<w:document><unclosed>"))


def test_missing_file_and_oversized_file(tmp_path: Path) -> None:
    with pytest.raises(DocxImportError, match="找不到文件"):
        import_docx(tmp_path / "nope.docx")
    big = tmp_path / "big.docx"
    with big.open("wb") as handle:
        handle.truncate(31 * 1024 * 1024)
    with pytest.raises(DocxImportError, match="MB"):
        import_docx(big)


# --- templates ------------------------------------------------------------------------------


def _template_dir(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "templates"
    (folder / "document").mkdir(parents=True)
    (folder / "document" / "report.yaml").write_text(text, encoding="utf-8")
    return folder


def test_bundled_template_loads() -> None:
    template = load_document_template()
    values = dict.fromkeys(
        ("agency", "year", "format_version", "website", "contact", "publish_date"), "X"
    )
    assert template.render_preamble(values)
    assert template.render_closing(values) == ["X", "X"]


def test_override_template_changes_the_wording(tmp_path: Path) -> None:
    import docx

    folder = _template_dir(
        tmp_path, 'preamble: "{{ agency }}报告{{ year }}。"\nclosing: ["{{ agency }}（盖章）"]\n'
    )
    report = load_report(EXAMPLES / "busy-2023.yaml")
    report.meta.agency = "{{ 7*7 }}局"  # user text is data, never a template
    # the braces are also a placeholder to the basic-information check (M-01): a draft
    data = build_docx(report, force=True, template=load_document_template(folder)).data
    texts = [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]
    assert texts[1] == "{{ 7*7 }}局报告2023。"
    assert texts[-1] == "{{ 7*7 }}局（盖章）"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('preamble: "{{ secret }}"\nclosing: ["x"]\n', "未知变量 secret"),
        ('preamble: "{% if %}"\nclosing: ["x"]\n', "语法错误"),
        ('preamble: "x"\n', "preamble 和 closing"),
        ('preamble: ""\nclosing: ["x"]\n', "非空"),
        ("preamble: [1\n", "无法读取"),
        ('preamble: "{{ agency.__class__.__mro__ }}"\nclosing: ["x"]\n', "无法填入示例数据"),
    ],
)
def test_bad_templates_are_refused_on_load(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        load_document_template(_template_dir(tmp_path, text))


# --- CLI ------------------------------------------------------------------------------------


def test_cli_export_and_import(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "report.docx"
    source = tmp_path / "busy.yaml"
    shutil.copy(EXAMPLES / "busy-2023.yaml", source)
    refused = runner.invoke(app, ["export", str(source), "-o", str(target)])
    assert refused.exit_code == 1 and not target.exists()
    assert "正文还有 8 部分（待起草）" in refused.output and "W-01" in refused.output
    assert "五、存在的主要问题及改进情况" in refused.output
    drafted = runner.invoke(app, ["draft", str(source), "--offline"])
    assert drafted.exit_code == 0, drafted.output
    result = runner.invoke(app, ["export", str(source), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "已导出" in result.output and "W-01" not in result.output
    data_file = tmp_path / "data.yaml"
    result = runner.invoke(app, ["import", str(target), "-o", str(data_file)])
    assert result.exit_code == 0, result.output
    back = load_report(data_file)
    assert back.table3 == load_report(EXAMPLES / "busy-2023.yaml").table3
    again = runner.invoke(app, ["import", str(target), "-o", str(data_file)])
    assert again.exit_code == 2 and "已存在" in again.output


def test_cli_export_names_each_missing_field_by_its_data_file_key(tmp_path: Path) -> None:
    runner = CliRunner()
    source = tmp_path / "busy.yaml"
    text = (EXAMPLES / "busy-2023.yaml").read_text(encoding="utf-8")
    kept = [
        line for line in text.splitlines() if not line.lstrip().startswith(("website:", "contact:"))
    ]
    source.write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert runner.invoke(app, ["draft", str(source), "--offline"]).exit_code == 0
    target = tmp_path / "r.docx"
    refused = runner.invoke(app, ["export", str(source), "-o", str(target)])
    assert refused.exit_code == 1 and not target.exists()
    output = " ".join(refused.output.split())
    assert "基本信息还有 2 项未填写" in output
    assert "电子版下载网址（meta.website）、联系方式（meta.contact）" in output
    assert "W-03" in output and "发布日期" not in output.split("基本信息还有")[1]
    forced = runner.invoke(app, ["export", str(source), "-o", str(target), "--force"])
    assert forced.exit_code == 0 and target.exists()
    assert "提示 W-03 基本信息 · 联系方式：未填写，文档中暂以“（待填写）”占位" in forced.output
    assert "（待填写）" in "".join(p.text for p in docx.Document(str(target)).paragraphs)


def test_cli_export_blocked_then_forced(tmp_path: Path) -> None:
    runner = CliRunner()
    target = tmp_path / "e.docx"
    blocked = runner.invoke(app, ["export", str(EXAMPLES / "errors-2020.yaml"), "-o", str(target)])
    assert blocked.exit_code == 1
    assert "T3-01" in blocked.output and "--force" in blocked.output
    assert not target.exists()
    forced = runner.invoke(
        app, ["export", str(EXAMPLES / "errors-2020.yaml"), "-o", str(target), "--force"]
    )
    assert forced.exit_code == 0 and target.exists() and "W-04" in forced.output


def test_cli_import_of_a_non_docx_is_a_chinese_message() -> None:
    result = CliRunner().invoke(app, ["import", str(EXAMPLES / "busy-2023.yaml")])
    assert result.exit_code == 2
    assert "不是 .docx" in result.output and "Traceback" not in result.output


def test_export_module_does_not_import_docx() -> None:
    code = "import sys, draftbot.export, draftbot.cli; print('docx' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_user_prompts_dir_overrides_the_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _template_dir(
        tmp_path, 'preamble: "自定义前言{{ year }}。"\nclosing: ["{{ agency }}"]\n'
    )
    monkeypatch.setenv("DRAFTBOT_PROMPTS_DIR", str(folder))
    assert load_document_template().source == str(folder / "document" / "report.yaml")
    monkeypatch.delenv("DRAFTBOT_PROMPTS_DIR")
    assert load_document_template().source.endswith("prompts/document/report.yaml")
    assert load_document_template().source != str(folder / "document" / "report.yaml")
