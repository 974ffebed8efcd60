"""Drafting through the web app: streamed generation (offline and fake LLM), fallbacks, jobs."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest

from draftbot.model import Meta, Report
from draftbot.store import Store
from fake_openai import server_error
from web_helpers import create_report, edit, headers, make_client, offline_settings, version_of

CANARY = "sk-CANARY-7a1c9e"


def _events(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((lines["event"], json.loads(lines["data"])))
    return events


def _generate(client, report_id: str, section: str, instruction: str = ""):
    response = client.post(
        f"/api/reports/{report_id}/sections/{section}/generate",
        json={"version": version_of(client, report_id), "instruction": instruction},
        headers=headers(client),
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/event-stream")
    return _events(response.text)


def _fill_tables(client, report_id: str) -> None:
    changes = {
        "table3.new_received.natural_person": "4",
        "table3.granted.natural_person": "4",
        "table2.licensing": "12",
        "facts.proactive_total": "30",
    }
    assert edit(client, report_id, changes).status_code == 200


def test_offline_generation_streams_saves_and_records_history(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        events = _generate(client, report_id, "overview_proactive")
        kinds = [kind for kind, _ in events]
        assert kinds[0] == "chunk" and kinds[-1] == "done"
        done = events[-1][1]
        assert done["kind"] == "accepted" and "离线模板" in done["message"]
        streamed = "".join(data["text"] for kind, data in events if kind == "chunk")
        assert streamed == done["text"] and done["text"]
        store = Store.in_folder(tmp_path)
        assert store.get(report_id).report.narrative.overview_proactive == done["text"]
        history = client.get(f"/api/reports/{report_id}/sections/overview_proactive/history")
        assert history.json()["revisions"][0]["source"] == "离线模板"


def test_drafting_while_table3_does_not_balance_warns_and_names_the_check(
    tmp_path: Path,
) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        unbalanced = {  # 5 new, 3 办结, nothing carried forward: T3-01 fails
            "table3.new_received.natural_person": "5",
            "table3.granted.natural_person": "3",
        }
        assert edit(client, report_id, unbalanced).status_code == 200
        page = client.get(f"/reports/{report_id}/draft").text
        assert 'id="data-warning"' in page
        warning = page.split('id="data-warning">', 1)[1].split("</p>", 1)[0]
        assert "数据检查发现" in warning and "T3-01" in warning and "表三" in warning
        done = _generate(client, report_id, "overview_on_request")[-1][1]
        assert done["kind"] == "accepted"  # drafted anyway, with the warning
        assert "T3-01" in done["data_warning"] and "T3-01" in done["message"]
        assert Store.in_folder(tmp_path).get(report_id).report.narrative.overview_on_request

        balanced = {"table3.carried_forward.natural_person": "2"}
        assert edit(client, report_id, balanced).status_code == 200
        assert 'id="data-warning"' not in client.get(f"/reports/{report_id}/draft").text
        again = _generate(client, report_id, "overview_on_request")[-1][1]
        assert again["data_warning"] == "" and "数据检查" not in again["message"]


def test_generation_after_an_edit_elsewhere_keeps_the_manual_text(tmp_path: Path) -> None:
    from draftbot.drafting import DraftEvent
    from draftbot.web.routes_draft import CHANGED_WHILE_DRAFTING, _keep_result

    with make_client(tmp_path) as client:
        report_id = create_report(client)
        store = Store.in_folder(tmp_path)
        store.save_section(report_id, "problems", "手工写的", source="user", based_on=1)
        late = DraftEvent("done", "problems", "模型迟到的文字", "offline")
        state = _keep_result(store, report_id, "problems", "", late, client.app.state.settings, "x")
        assert state["kind"] == "failed" and state["message"] == CHANGED_WHILE_DRAFTING
        assert store.get(report_id).report.narrative.problems == "手工写的"
        attempt = store.revisions(report_id, "problems")[0]
        assert attempt.kind == "failed" and attempt.text == "模型迟到的文字"


def test_one_generation_per_section_at_a_time_across_instances(tmp_path: Path) -> None:
    from draftbot.web.jobs import SectionJobs

    with make_client(tmp_path) as client:
        report_id = create_report(client)
        other = SectionJobs(Store.in_folder(tmp_path))  # another app instance, same database
        ticket = other.take(report_id, "problems")
        assert ticket is not None
        response = client.post(
            f"/api/reports/{report_id}/sections/problems/generate",
            json={"version": 1},
            headers=headers(client),
        )
        assert response.status_code == 409 and "正在生成中" in response.json()["message"]
        other.release(report_id, "problems", ticket)
        assert _generate(client, report_id, "problems")[-1][0] == "done"
        # the job's lease is released after the stream (in a worker thread): the other
        # instance may draft it now; wait for that state
        deadline = time.monotonic() + 30
        ticket = other.take(report_id, "problems")
        while ticket is None and time.monotonic() < deadline:
            time.sleep(0.05)
            ticket = other.take(report_id, "problems")
        assert ticket is not None


def test_instruction_is_limited_and_unknown_section_refused(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        long = client.post(
            f"/api/reports/{report_id}/sections/problems/generate",
            json={"version": 1, "instruction": "短" * 501},
            headers=headers(client),
        )
        assert long.status_code == 400 and "500 字" in long.json()["message"]
        unknown = client.post(
            f"/api/reports/{report_id}/sections/nonsense/generate",
            json={"version": 1},
            headers=headers(client),
        )
        assert unknown.status_code == 404


@pytest.fixture
def llm_client(tmp_path: Path, fake_openai):
    settings = offline_settings(
        tmp_path,
        llm_base_url=fake_openai.base_url,
        llm_api_key=CANARY,
        llm_model="fake-model",
        llm_retries=0,
        llm_timeout=60,  # an upper bound: the fake answers at once
    )
    with make_client(tmp_path, settings=settings) as client:
        yield client


def test_llm_generation_streams_in_chunks_and_uses_the_instruction(llm_client, fake_openai, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, as in S-06: the key must not appear
    fake_openai.reply = lambda body: (
        "本年按照条例要求，持续做好政府信息主动公开工作，及时回应社会关切。"
    )
    report_id = create_report(llm_client)
    events = _generate(llm_client, report_id, "overview_proactive", "请补充培训情况")
    chunks = [data for kind, data in events if kind == "chunk"]
    assert len(chunks) > 2  # streamed as written, not in one piece
    done = events[-1][1]
    assert done["kind"] == "accepted" and "fake-model" in done["message"]
    assert done["text"].startswith("本年按照条例要求")
    request = fake_openai.requests[-1]
    system = request.messages[0]["content"]
    assert "请补充培训情况" in request.prompt_text and "请补充培训情况" not in system
    assert request.body.get("stream") is True
    history = llm_client.get(f"/api/reports/{report_id}/sections/overview_proactive/history")
    assert history.json()["revisions"][0]["source"] == "fake-model"
    db = (Path(llm_client.app.state.config.data_dir) / "draftbot.sqlite3").read_bytes()
    assert CANARY.encode() not in db
    assert all(CANARY not in json.dumps(data) for _, data in events)
    assert caplog.records and CANARY not in caplog.text
    assert f"Bearer {CANARY}" in request.headers.get("authorization", "")  # only where it belongs


def test_llm_fault_falls_back_to_offline_with_the_finding_shown(llm_client, fake_openai):
    fake_openai.script(server_error(500))
    report_id = create_report(llm_client)
    _fill_tables(llm_client, report_id)
    events = _generate(llm_client, report_id, "overview_proactive")
    done = events[-1][1]
    assert done["kind"] == "accepted" and done["fell_back"] is True
    assert done["message"].startswith("模型未能完成，已改用离线模板起草")
    codes = [f["code"] for f in done["section_findings"]]
    assert "D-02" in codes
    store = Store.in_folder(llm_client.app.state.config.data_dir)
    revision = store.revisions(report_id, "overview_proactive")[0]
    assert revision.source == "offline" and "大模型起草失败" in revision.note


def test_closing_the_browser_mid_generation_cancels_the_job(tmp_path: Path, fake_openai) -> None:
    """F-32: the job ends (and its lock is released) when the page goes away mid-stream."""
    import http.client
    import time

    from e2e_server import Server
    from fake_openai import drip

    fake_openai.default = drip()  # the model never finishes
    env = {
        "DRAFTBOT_LLM_BASE_URL": fake_openai.base_url,
        "DRAFTBOT_LLM_API_KEY": CANARY,
        "DRAFTBOT_LLM_MODEL": "fake-model",
        "DRAFTBOT_LLM_RETRIES": "0",
        "DRAFTBOT_LLM_TIMEOUT": "60",
    }
    report = Report(meta=Meta(agency="测试县教育局", report_year=2024))
    report_id = Store.in_folder(tmp_path).create(report).id
    server = Server(tmp_path, env).start()
    try:
        token = "t" * 43
        headers_ = {
            "Host": f"127.0.0.1:{server.port}",
            "Cookie": f"draftbot_csrf={token}",
            "X-CSRF-Token": token,
            "Content-Type": "application/json",
        }

        def start_generation() -> tuple[http.client.HTTPConnection, int]:
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
            conn.request(
                "POST",
                f"/api/reports/{report_id}/sections/problems/generate",
                body=b'{"version": 1}',
                headers=headers_,
            )
            return conn, conn.getresponse().status

        first, status = start_generation()
        assert status == 200
        second, status = start_generation()
        assert status == 409  # the first job is still running
        second.close()
        first.close()  # the page is closed mid-stream
        # wait for the state (the lock released), well inside the model's 60 s timeout, so
        # only the cancellation, not the timeout, can release it
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            again, status = start_generation()
            again.close()
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200  # the abandoned job was cancelled and its lock released
        assert Store.in_folder(tmp_path).get(report_id).report.narrative.problems == ""
    finally:
        server.stop()


def test_generated_text_is_marked_until_a_person_edits_it(tmp_path: Path) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        done = _generate(client, report_id, "problems")[-1][1]
        assert done["origin"].startswith("离线模板生成于") and "待人工审核" in done["origin"]
        assert "待人工审核" in client.get(f"/reports/{report_id}/draft").text
        saved = client.post(
            f"/api/reports/{report_id}/sections/problems",
            json={"version": version_of(client, report_id), "text": done["text"] + "已核对。"},
            headers=headers(client),
        ).json()
        assert saved["origin"].startswith("手工编辑于")
        assert "待人工审核" not in client.get(f"/reports/{report_id}/draft").text


def test_offline_regeneration_says_which_parts_of_the_instruction_were_applied(
    tmp_path: Path,
) -> None:
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        done = _generate(client, report_id, "problems", "更简洁，突出亮点")[-1][1]
        assert done["kind"] == "accepted"
        assert "离线模板已按修改要求处理：更简洁" in done["message"]
        assert "“突出亮点”离线模板无法处理" in done["message"]
        shown = [f for f in done["section_findings"] if f["code"] == "D-05"]
        assert len(shown) == 1 and "突出亮点" in shown[0]["message"]


def test_the_overview_prose_status_follows_every_change(tmp_path: Path) -> None:
    """概况 works out the sections' state once per version: each change shows at once."""
    with make_client(tmp_path) as client:
        report_id = create_report(client)
        overview = client.get(f"/reports/{report_id}").text
        assert "8 部分（待起草）" in overview and "待人工审核" not in overview
        assert client.get(f"/reports/{report_id}").text.count("待起草") == overview.count("待起草")
        done = _generate(client, report_id, "problems")[-1][1]
        overview = client.get(f"/reports/{report_id}").text
        assert "7 部分（待起草）" in overview and "1 部分待人工审核" in overview
        client.post(
            f"/api/reports/{report_id}/sections/problems",
            json={"version": version_of(client, report_id), "text": done["text"] + "已核对。"},
            headers=headers(client),
        ).raise_for_status()
        overview = client.get(f"/reports/{report_id}").text
        assert "7 部分（待起草）" in overview and "待人工审核" not in overview
