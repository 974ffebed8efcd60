"""`draftbot interview` driven as a user would: piped standard input and a pseudo-terminal."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pexpect
import pytest

from draftbot.datafile import load_report
from draftbot.model import Table3
from fake_openai import FakeOpenAI, tool_call

DRAFTBOT = Path(sys.executable).with_name("draftbot")
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

META = [
    "某某县档案馆",
    "2023",
    "1",
    "浙江省湖州市某某县",
    "某某县人民政府门户网站",
    "某某县档案馆办公室，电话 0572-1234567",
    "2024-01-20",
]
# 表二 all no, 主动公开 0, channels, notes, 表三 no, 表四 no, 3 work notes, training,
# rectifications, problems, measures, fee gate, other matters.
ALL_ZERO = [
    *META,
    "否",
    "0",
    "否",
    "0",
    "0",
    "",
    "",
    "否",
    "否",
    "",
    "",
    "",
    "0",
    "",
    "",
    "",
    "否",
    "",
]
BUSY_TABLE3 = (
    "今年共收到申请三十件，其中个人二十二件、企业5件、律师2件、其他组织1件；上年结转2件，都是个人；"
    "予以公开个人10件、企业3件；部分公开个人3件、律师1件；保护第三方合法权益不予公开个人1件；"
    "属于过程性信息不予公开企业1件；本机关不掌握个人5件、企业1件、其他组织1件；"
    "需要另行制作个人1件；重复申请个人1件；逾期不补正个人1件；结转下年度个人2件、律师1件"
)


def user_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DRAFTBOT_", "OPENAI_"))}
    env.update(
        PYTHONIOENCODING="utf-8",
        LANG="C.UTF-8",
        LC_ALL="C.UTF-8",
        TERM="dumb",
        DRAFTBOT_DATA_DIR=str(tmp_path / "data"),
    )
    env.update(extra)
    return env


def draftbot(
    tmp_path: Path, *args: str, lines: list[str] = (), **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(DRAFTBOT), *args],
        input="\n".join(lines) + ("\n" if lines else ""),
        text=True,
        capture_output=True,
        cwd=tmp_path,
        env=user_env(tmp_path, **env),
        timeout=120,
    )


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def spawn(tmp_path: Path, *args: str) -> pexpect.spawn:
    return pexpect.spawn(
        str(DRAFTBOT),
        list(args),
        cwd=str(tmp_path),
        env=user_env(tmp_path),
        encoding="utf-8",
        timeout=120,  # an upper bound on waiting for a prompt on a loaded machine
        dimensions=(50, 200),
        # a user's terminal delivers Ctrl-C; a test run started in the background by a
        # non-interactive shell ignores SIGINT, and a child would inherit that
        preexec_fn=_default_sigint,
    )


def answer(child: pexpect.spawn, *texts: str) -> None:
    """Wait for each prompt (`> `), then type the answer."""
    for text in texts:
        child.expect_exact("> ")
        child.sendline(text)


def test_all_zero_agency_in_25_answers_then_check_draft_export(tmp_path: Path) -> None:
    assert len(ALL_ZERO) == 25
    done = draftbot(tmp_path, "interview", "r.yaml", lines=ALL_ZERO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "【第 25/25 题】" in done.stdout
    assert "全部问题已回答" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    report = load_report(tmp_path / "r.yaml")
    assert report.meta.agency == "某某县档案馆"
    assert report.table3 == Table3()
    assert str(report.meta.publish_date) == "2024-01-20"
    assert draftbot(tmp_path, "check", "r.yaml").returncode == 0
    drafted = draftbot(tmp_path, "draft", "r.yaml", "--offline")
    assert drafted.returncode == 0, drafted.stdout + drafted.stderr
    exported = draftbot(tmp_path, "export", "r.yaml", "-o", "r.docx")
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert (tmp_path / "r.docx").stat().st_size > 5000


def test_bad_inputs_help_and_going_back_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path, "interview", "r.yaml", "--offline")
    answer(child, *META, "否")
    child.expect_exact("本年作出的行政许可决定有多少件？")
    for bad in ("-3", "abc", "3.5"):
        answer(child, bad)
        child.expect_exact(
            f"表二 · 第二十条第（五）项 · 行政许可 · 本年处理决定数量：应为不小于 0 的整数，收到“{bad}”"
        )
    answer(child, "十余件")
    child.expect_exact("“十余件”是约数")
    answer(child, "?")
    child.expect_exact("说明：对应表二")
    child.expect_exact("回答方式：请输入不小于 0 的整数")
    answer(child, "１２")
    child.expect_exact("本年是否作出过行政处罚或行政强制决定？")
    assert load_report(tmp_path / "r.yaml").table2.licensing == 12
    answer(child, "上一题")
    child.expect_exact("返回上一题：本年作出的行政许可决定有多少件？")
    child.expect_exact("（当前：12，直接回车保留）")
    answer(child, "十万零三")
    child.expect_exact("本年是否作出过行政处罚或行政强制决定？")
    assert load_report(tmp_path / "r.yaml").table2.licensing == 100003
    answer(child, "上一题")
    child.expect_exact("（当前：100003，直接回车保留）")
    answer(child, "")  # Enter keeps the value
    child.expect_exact("本年是否作出过行政处罚或行政强制决定？")
    child.sendeof()
    child.expect_exact("已回答的内容都已保存到 r.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert load_report(tmp_path / "r.yaml").table2.licensing == 100003


def test_sigkill_mid_interview_then_resume_loses_nothing(tmp_path: Path) -> None:
    child = spawn(tmp_path, "interview", "r.yaml")
    answer(child, *META, "是", "0 0 0", "3 1 25", "412")
    child.expect_exact("本年是否作出过行政处罚或行政强制决定？")
    child.expect_exact("> ")  # everything before this prompt has been written
    child.kill(signal.SIGKILL)
    child.close(force=True)
    assert child.signalstatus == signal.SIGKILL

    saved = load_report(tmp_path / "r.yaml")
    assert saved.meta.region == "浙江省湖州市某某县"
    assert saved.meta.website == "某某县人民政府门户网站"
    counts = saved.table2.normative_documents
    assert (counts.issued, counts.repealed, counts.in_force) == (3, 1, 25)
    assert saved.table2.licensing == 412
    assert not list(tmp_path.glob(".r.yaml.*.tmp"))  # no half-written temporary files

    resumed = spawn(tmp_path, "interview", "r.yaml")
    resumed.expect_exact("继续填写 r.yaml（某某县档案馆2023年度）")
    resumed.expect_exact("【第 12/")
    resumed.expect_exact("本年是否作出过行政处罚或行政强制决定？")
    rest = ["否", "0", "0", "", "", "否", "否", "", "", "", "0", "", "", "", "否", ""]
    answer(resumed, *rest)
    resumed.expect_exact("全部问题已回答")
    resumed.expect(pexpect.EOF)
    resumed.close()
    assert resumed.exitstatus == 0
    final = load_report(tmp_path / "r.yaml")
    assert final.table2.normative_documents == saved.table2.normative_documents
    assert final.table2.licensing == 412
    assert draftbot(tmp_path, "check", "r.yaml").returncode == 0


def test_end_of_input_stops_cleanly_and_the_next_run_resumes(tmp_path: Path) -> None:
    first = draftbot(tmp_path, "interview", "r.yaml", lines=META[:4])
    assert first.returncode == 0
    assert "输入结束。已回答的内容都已保存到 r.yaml" in first.stdout
    second = draftbot(tmp_path, "interview", "r.yaml", lines=ALL_ZERO[4:])
    assert second.returncode == 0, second.stdout
    assert "【第 5/25 题】报告电子版可以在哪里下载？" in second.stdout
    assert "全部问题已回答" in second.stdout
    assert draftbot(tmp_path, "check", "r.yaml").returncode == 0


def busy_answers(table3_answer: list[str], table4_answer: list[str]) -> list[str]:
    return [
        *META,
        "是",
        "0 0 0",
        "3 1 25",
        "412",
        "行政处罚37件，行政强制2件",
        "是",
        "12.5",
        "215",
        "规划批前公示和批后公告 96",
        "土地征收信息 48",
        "",
        "6",
        "2",
        "政府门户网站、政务新媒体、政务服务大厅公开栏",
        "重点公开国土空间规划、土地征收等信息。",
        *table3_answer,
        "答复前进行法制审核。",
        *table4_answer,
        "开展行政规范性文件清理。",
        "优化门户网站专栏设置。",
        "将政务公开纳入年度目标考核。",
        "3",
        "是",  # add this year's practices, one short answer each (Enter skips)
        "文字解读、图解",
        "",
        "保密审查、三审三校",
        "",
        "",  # 源头认定 not counted (its 其中主动公开 is then not asked)
        "2",
        "",
        "45",
        "纳入年度目标考核、社会评议",
        "",
        "是",  # how the work is organised, one short answer each (Enter skips)
        "由馆长任组长",
        "两名",
        "",
        "2023年政务公开工作要点",
        "否",  # no 征求意见、留言、建议提案 to add
        "依申请公开答复文书不够规范：制定答复文书范本",
        "",
        "部分栏目信息更新不够及时",
        "政策解读形式较为单一",
        "",
        "建立栏目更新台账",
        "丰富政策解读形式",
        "",
        "否",
        "",
    ]


def assert_busy_tables(path: Path) -> None:
    report = load_report(path)
    example = load_report(EXAMPLES / "busy-2023.yaml")
    assert report.table3 == example.table3
    assert report.table4 == example.table4
    assert report.table2 == example.table2
    assert report.facts.proactive_total == 215
    assert report.facts.problems == ["部分栏目信息更新不够及时", "政策解读形式较为单一"]
    practices = report.facts.practices
    assert practices.interpretation_forms == ["文字解读", "图解"]
    assert practices.review_methods == ["保密审查", "三审三校"]
    assert practices.new_media_accounts == 2 and practices.trained_people == 45
    assert practices.responses is None and practices.reading_points is None  # skipped
    assert practices.updated_guides == [] and practices.circulars is None


def test_busy_agency_through_sentences_with_the_offline_parser(tmp_path: Path) -> None:
    lines = busy_answers([BUSY_TABLE3, "是"], ["行政复议1件，结果维持", "是"])
    done = draftbot(tmp_path, "interview", "r.yaml", "--offline", lines=lines)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    assert "表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人" in out
    assert "以上数字填入表格吗？" in out
    assert "✓ 表三检查通过" in out
    assert "✓ 表四检查通过" in out
    assert "全部问题已回答" in out
    assert_busy_tables(tmp_path / "r.yaml")
    org = load_report(tmp_path / "r.yaml").facts.organisation
    assert (org.group_head, org.staff, org.study_meetings) == ("馆长", 2, None)
    assert org.work_plan == "《2023年政务公开工作要点》"
    assert draftbot(tmp_path, "check", "r.yaml").returncode == 0
    assert draftbot(tmp_path, "draft", "r.yaml", "--offline").returncode == 0
    assert draftbot(tmp_path, "export", "r.yaml", "-o", "r.docx").returncode == 0


def test_a_sentence_is_not_saved_without_confirmation(tmp_path: Path) -> None:
    lines = [*META, "否", "0", "否", "0", "0", "", "", "收到个人申请2件，予以公开2件", "否", "否"]
    done = draftbot(tmp_path, "interview", "r.yaml", "--offline", lines=lines)
    assert "未保存。请重新回答本题。" in done.stdout
    report = load_report(tmp_path / "r.yaml")
    assert report.table3 == Table3()
    assert report.interview.gates["t3_gate"] == "no"  # the second answer, 否


def test_table_errors_are_explained_and_the_user_corrects_a_cell(tmp_path: Path) -> None:
    sentence = (
        "今年共收到5件申请，4件来自个人，1件来自企业；予以公开3件，1件本机关不掌握，1件结转到明年"
    )
    lines = [*META, "否", "0", "否", "0", "0", "", "", sentence, "是"]
    # the sentence gave three rows only as totals: each split is asked as a follow-up
    lines += ["自然人 2", "自然人 3", "自然人 1", "自然人 1"]  # the first does not add up to 3
    lines += ["13", "商业企业 1"]  # the balance check then names the row to correct
    done = draftbot(tmp_path, "interview", "r.yaml", "--offline", lines=lines)
    out = done.stdout
    assert "（一）予以公开：共 3 件，未说明分类，拟填入“总计”（确认后才写入）" in out
    follow_ups = ["三、（一）予以公开", "1.本机关不掌握相关政府信息", "四、结转下年度继续办理"]
    position = out.index("表三 · 三、本年度办理结果")
    for prompt in follow_ups:
        position = out.index(f"{prompt}：按申请人类型各几件？", position)
    assert "您那句话中这一行共 3 件，这里分列合计 2 件" in out
    assert "表三检查发现以下问题" in out
    assert "自然人列：新收 4 + 上年结转 0 = 4，但办理结果总计 4 + 结转下年度 1 = 5" in out
    assert "请输入要更正的序号" in out
    assert "✓ 表三检查通过" in out
    table3 = load_report(tmp_path / "r.yaml").table3
    assert (table3.granted.natural_person, table3.granted.total) == (3, None)
    assert (table3.unable_not_held.commercial, table3.unable_not_held.natural_person) == (1, 0)
    assert table3.carried_forward.natural_person == 1


def test_busy_agency_through_sentences_with_the_fake_llm(tmp_path: Path) -> None:
    example = load_report(EXAMPLES / "busy-2023.yaml")
    cells = [
        {"cell": f"table3.{row}.{column}", "value": value, "quote": "…"}
        for row, counts in example.table3.model_dump(exclude_none=True).items()
        for column, value in counts.items()
        if value
    ]
    with FakeOpenAI() as fake:
        fake.script(
            tool_call({"cells": cells}),
            tool_call({"cells": [{"cell": "table4.review.maintained", "value": 1}]}),
        )
        lines = busy_answers([BUSY_TABLE3, "是"], ["行政复议1件，结果维持", "是"])
        lines[11:13] = ["是", "37", "2"]  # 表二 block answered cell by cell here
        done = draftbot(
            tmp_path,
            "interview",
            "r.yaml",
            lines=lines,
            DRAFTBOT_LLM_BASE_URL=fake.base_url,
            DRAFTBOT_LLM_MODEL="fake-model",
            DRAFTBOT_LLM_API_KEY="sk-test",
            DRAFTBOT_LLM_RETRIES="0",
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert fake.calls == 2
        system = fake.requests[0].messages[0]["content"]
        user = fake.requests[0].messages[1]["content"]
    assert "整句回答由大模型（fake-model）解析" in done.stdout
    assert BUSY_TABLE3 not in system and BUSY_TABLE3 in user
    assert_busy_tables(tmp_path / "r.yaml")
    assert draftbot(tmp_path, "check", "r.yaml").returncode == 0


@pytest.mark.parametrize("content", ["meta: [", "meta:\n  agency: 某\n  report_year: 2023\n"])
def test_an_unusable_file_gets_a_chinese_message(tmp_path: Path, content: str) -> None:
    (tmp_path / "r.yaml").write_text(content, encoding="utf-8")
    done = draftbot(tmp_path, "interview", "r.yaml")
    assert done.returncode == 2
    assert "数据文件 r.yaml 有" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert (tmp_path / "r.yaml").read_text(encoding="utf-8") == content


def test_an_existing_file_is_walked_through_and_enter_keeps_every_value(tmp_path: Path) -> None:
    source = (EXAMPLES / "busy-2023.yaml").read_text(encoding="utf-8")
    (tmp_path / "r.yaml").write_text(source, encoding="utf-8")
    done = draftbot(tmp_path, "interview", "r.yaml", lines=[""] * 80)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "继续填写 r.yaml（安吉县自然资源和规划局2023年度）" in done.stdout
    assert "（当前：自然人 22，商业企业 5，法律服务机构 2，其他 1，直接回车保留）" in done.stdout
    assert "全部问题已回答" in done.stdout
    report = load_report(tmp_path / "r.yaml")
    example = load_report(EXAMPLES / "busy-2023.yaml")
    assert report.model_dump(exclude={"interview"}) == example.model_dump(exclude={"interview"})
    assert report.interview.gates["info_fee_gate"] == "no"


def test_a_custom_question_bank_is_used_and_a_broken_one_refused(tmp_path: Path) -> None:
    from draftbot.questions import default_bank_path

    text = default_bank_path().read_text(encoding="utf-8")
    custom = tmp_path / "my-questions.yaml"
    custom.write_text(text.replace("本报告是哪个机关的？", "贵单位的全称？"), encoding="utf-8")
    done = draftbot(tmp_path, "interview", "r.yaml", "--questions", str(custom), lines=META[:2])
    assert "贵单位的全称？" in done.stdout
    custom.write_text(text.replace("kind: count", "kind: counting", 1), encoding="utf-8")
    broken = draftbot(tmp_path, "interview", "s.yaml", "--questions", str(custom), lines=META)
    assert broken.returncode == 2
    assert "问题库" in broken.stdout and "kind" in broken.stdout
    assert "Traceback" not in broken.stdout + broken.stderr
    assert not (tmp_path / "s.yaml").exists()


def test_ctrl_c_keeps_every_answer_given(tmp_path: Path) -> None:
    child = spawn(tmp_path, "interview", "r.yaml")
    answer(child, *META[:4])
    child.expect_exact("报告电子版可以在哪里下载？")
    child.expect_exact("> ")
    # A SIGINT that lands after the prompt is written but before the read() starts is only
    # seen at the next key (a CPython race, wider on a loaded machine): press Ctrl-C again
    # if nothing happened, as a user would; the state waited for is the message.
    for _ in range(10):
        child.sendintr()
        if child.expect_exact(["已中断。已回答的内容都已保存到 r.yaml", pexpect.TIMEOUT], 10) == 0:
            break
    else:
        raise AssertionError("Ctrl-C never stopped the interview")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert load_report(tmp_path / "r.yaml").meta.region == "浙江省湖州市某某县"


def test_killed_before_the_file_exists_keeps_the_first_answers(tmp_path: Path) -> None:
    child = spawn(tmp_path, "interview", "r.yaml")
    answer(child, META[0])
    child.expect_exact("> ")  # the agency answer has been written before the next prompt
    child.kill(signal.SIGKILL)
    child.close(force=True)
    assert not (tmp_path / "r.yaml").exists()

    resumed = spawn(tmp_path, "interview", "r.yaml")
    resumed.expect_exact("（已保存的回答：")
    resumed.expect_exact(META[0])
    answer(resumed, *META[1:], *ALL_ZERO[len(META) :])
    resumed.expect_exact("全部问题已回答")
    resumed.expect(pexpect.EOF)
    resumed.close()
    assert resumed.exitstatus == 0
    report = load_report(tmp_path / "r.yaml")
    assert report.meta.agency == META[0]
    assert not (tmp_path / ".r.yaml.new.json").exists()


def test_an_amount_in_yuan_is_converted_and_the_terminal_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from draftbot import questions as qs
    from draftbot.datafile import save_report
    from draftbot.interview import Interview, offline_proposer

    path = tmp_path / "town.yaml"
    bank = qs.load_bank()
    report = qs.create_report("某县某镇人民政府", "2023")
    save_report(report, path)
    typed = iter(["1200元"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    saved = Interview(path, bank, offline_proposer).ask(bank.get("t2_fees"), report, "1/1")
    assert saved.table2.fees_wan_yuan == Decimal("0.12")
    assert load_report(path).table2.fees_wan_yuan == Decimal("0.12")
    out = capsys.readouterr().out
    assert "行政事业性收费" in out and "已按 1200 元 = 0.12 万元 填写" in out


def test_a_finished_report_with_failing_checks_offers_the_corrections_again(
    tmp_path: Path,
) -> None:
    from draftbot.datafile import save_report

    assert draftbot(tmp_path, "interview", "r.yaml", "--offline", lines=ALL_ZERO).returncode == 0
    path = tmp_path / "r.yaml"
    report = load_report(path)
    data = report.model_dump()
    data["table3"]["new_received"]["natural_person"] = 5  # 5 new, nothing 办结: T3-01 fails
    save_report(type(report).model_validate(data), path)

    skipped = draftbot(tmp_path, "interview", "r.yaml", "--offline", lines=[""])
    assert skipped.returncode == 0, skipped.stdout + skipped.stderr
    assert "检查发现错误，可以现在更正" in skipped.stdout
    assert "表三检查发现以下问题" in skipped.stdout
    assert "请输入要更正的序号" in skipped.stdout
    assert "个错误需要更正" in skipped.stdout  # Enter skipped: nothing changed
    assert load_report(path).table3.new_received.natural_person == 5

    out = skipped.stdout
    listed = out[out.index("可以更正的项目：") : out.index("请输入要更正的序号")]
    granted = next(
        line.split(".", 1)[0].strip()
        for line in listed.splitlines()
        if "予以公开" in line and "." in line
    )
    fixed = draftbot(tmp_path, "interview", "r.yaml", "--offline", lines=[granted, "自然人 5"])
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "✓ 表三检查通过" in fixed.stdout
    assert "检查通过" in fixed.stdout.split("全部问题已回答")[-1]
    assert load_report(path).table3.granted.natural_person == 5


@pytest.mark.parametrize(
    ("question", "shown"),
    [
        ("previous_problems", "写成“问题：整改情况”。可写多行，输入空行结束"),
        ("problems", "每行一条。可写多行，输入空行结束"),
        ("level", "1. 县级部门、2. 乡镇（街道）"),
        ("responses", "可直接回车跳过"),
    ],
)
def test_the_terminal_says_how_to_answer_up_front(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    question: str,
    shown: str,
) -> None:
    from draftbot import questions as qs
    from draftbot.datafile import save_report
    from draftbot.interview import Interview, offline_proposer

    path = tmp_path / "r.yaml"
    bank = qs.load_bank()
    report = qs.create_report("某县某镇人民政府", "2023")
    save_report(report, path)
    prompts: list[str] = []
    answers = iter(["镇政府" if question == "level" else "", ""])

    def typed(prompt: str = "") -> str:
        prompts.append(prompt)
        return next(answers)

    monkeypatch.setattr("builtins.input", typed)
    Interview(path, bank, offline_proposer).ask(bank.get(question), report, "1/1")
    assert shown in prompts[0], prompts[0]
    assert "?" not in prompts[0]  # shown without asking for help first
