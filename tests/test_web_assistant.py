"""The assistant panel's routes: ask, cited rules as links, confirm through the versioned save."""

from __future__ import annotations

from pathlib import Path

import pytest

from draftbot.datafile import load_report
from draftbot.store import Store
from web_helpers import edit, headers, make_client, version_of


@pytest.fixture
def client(tmp_path: Path):
    with make_client(tmp_path) as c:
        yield c


@pytest.fixture
def busy_id(client, examples_dir: Path) -> str:
    store: Store = client.app.state.store
    return store.create(load_report(examples_dir / "busy-2023.yaml")).id


def ask(client, report_id: str, text: str):
    return client.post(
        f"/api/reports/{report_id}/assistant/ask", json={"text": text}, headers=headers(client)
    )


def test_every_report_page_has_the_panel_and_the_rules_page_has_anchors(client, busy_id) -> None:
    for path in ("", "/facts", "/tables/3", "/draft", "/export", "/guide"):
        html = client.get(f"/reports/{busy_id}{path}").text
        assert 'id="assistant"' in html and "/static/assistant.js" in html, path
    rules = client.get("/rules").text
    assert 'id="rule-T3-02"' in rules and "区分处理只计一次" in rules
    assert 'id="assistant"' not in client.get("/").text


def test_an_answer_cites_rules_as_links(client, busy_id) -> None:
    data = ask(client, busy_id, "申请人自己撤回了申请，应该填在哪一行？").json()
    assert data["kind"] == "rules"
    assert {"id": "T3-R25", "title": "其他处理 3.其他", "url": "/rules#rule-T3-R25"} in data[
        "rules"
    ]
    history = client.get(f"/api/reports/{busy_id}/assistant").json()["entries"]
    assert [e["role"] for e in history] == ["clerk", "assistant"]
    assert history[1]["rules"][0]["id"] == data["rules"][0]["id"]


def test_a_confirmed_change_is_saved_as_a_new_version_and_the_finding_goes(client, busy_id) -> None:
    assert edit(client, busy_id, {"table3.granted.natural_person": "11"}).status_code == 200
    version = version_of(client, busy_id)
    why = ask(client, busy_id, "为什么表三不平衡？").json()
    assert "table3.granted.natural_person" in {c["path"] for c in why["cells"]}
    data = ask(client, busy_id, "予以公开改为10件，都是个人").json()
    assert data["proposal"]["changes"] == [
        {
            "path": "table3.granted.natural_person",
            "location": "表三 · 三、本年度办理结果 ·（一）予以公开 · 自然人",
            "before": "11",
            "after": "10",
        }
    ]
    assert version_of(client, busy_id) == version  # nothing saved yet
    done = client.post(
        f"/api/reports/{busy_id}/assistant/confirm",
        json={"proposal": data["proposal"]["id"]},
        headers=headers(client),
    ).json()
    assert (
        done["version"] == version + 1 and done["values"]["table3.granted.natural_person"] == "10"
    )
    assert not [f for f in done["findings"] if f["code"] == "T3-01"]
    assert f"第 {version + 1} 版" in done["message"]


def test_a_stale_proposal_after_another_tabs_edit_is_refused(client, busy_id) -> None:
    data = ask(client, busy_id, "予以公开里有一件是企业的，不是个人").json()
    assert edit(client, busy_id, {"table3.unable_not_held.natural_person": "6"}).status_code == 200
    version = version_of(client, busy_id)
    refused = client.post(
        f"/api/reports/{busy_id}/assistant/confirm",
        json={"proposal": data["proposal"]["id"]},
        headers=headers(client),
    )
    assert refused.status_code == 409 and "已经被改动" in refused.json()["message"]
    assert version_of(client, busy_id) == version
    state = client.get(f"/api/reports/{busy_id}/state").json()
    assert state["values"]["table3.granted.natural_person"] == "10"


def test_bad_requests_are_explained(client, busy_id) -> None:
    assert ask(client, busy_id, "  ").status_code == 400
    assert "最多输入 2000 字" in ask(client, busy_id, "问" * 2001).json()["message"]
    missing = client.post(
        f"/api/reports/{busy_id}/assistant/confirm",
        json={"proposal": "nope"},
        headers=headers(client),
    )
    assert missing.status_code == 422 and "不存在" in missing.json()["message"]
    assert ask(client, "0" * 32, "去年结转几件？").status_code == 404
    no_token = client.post(f"/api/reports/{busy_id}/assistant/ask", json={"text": "去年结转几件？"})
    assert no_token.status_code == 403


def test_with_a_model_the_answer_names_it_and_the_key_stays_out_of_pages(
    tmp_path: Path, examples_dir: Path, fake_openai
) -> None:
    from fake_openai import normal
    from web_helpers import offline_settings

    key = "sk-CANARY-web-assistant-77"
    settings = offline_settings(
        tmp_path, llm_base_url=fake_openai.base_url, llm_model="fake-model", llm_api_key=key,
        llm_timeout=10.0, llm_retries=0,
    )  # fmt: skip
    fake_openai.default = normal("区分处理的申请只计入部分公开一次 [T3-02]。")
    with make_client(tmp_path, settings) as client:
        report_id = client.app.state.store.create(load_report(examples_dir / "busy-2023.yaml")).id
        answer = ask(client, report_id, "部分公开和不予公开都沾边的申请，算在哪一项？")
        assert (
            answer.json()["source"] == "fake-model" and answer.json()["rules"][0]["id"] == "T3-02"
        )
        page = client.get(f"/reports/{report_id}/tables/3").text
        history = client.get(f"/api/reports/{report_id}/assistant").text
        assert key not in answer.text + page + history
        kept = client.app.state.store.chat_entries(f"report:{report_id}")  # the stored log
        assert len(kept) == 2 and key not in "\n".join(kept)


def test_a_confirmed_change_goes_through_the_forms_edit_path(client, examples_dir: Path) -> None:
    """In a published report a confirmed cell is the clerk's now: its note about how the
    report printed it goes, as when the cell is typed into the table form."""
    data = load_report(examples_dir / "busy-2023.yaml").model_dump(mode="json", exclude_none=True)
    data["source"] = {
        "kind": "published",
        "notes": {"table3.granted.commercial": {"kind": "mark", "printed": "/"}},
    }
    from draftbot.model import Report

    stored = client.app.state.store.create(Report.model_validate(data))
    reply = ask(client, stored.id, "予以公开里有一件是企业的，不是个人").json()
    done = client.post(
        f"/api/reports/{stored.id}/assistant/confirm",
        json={"proposal": reply["proposal"]["id"]},
        headers=headers(client),
    )
    assert done.status_code == 200, done.text
    saved = client.app.state.store.get(stored.id).report
    assert saved.table3.granted.commercial == 4
    assert "table3.granted.commercial" not in saved.source.notes


def test_a_broken_rules_file_is_named_not_a_traceback(
    client, busy_id, tmp_path, monkeypatch
) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nrules:\n  - id: 坏编号\n", encoding="utf-8")
    monkeypatch.setenv("DRAFTBOT_RULES_FILE", str(bad))
    response = ask(client, busy_id, "申请人撤回申请算哪一项？")
    assert response.status_code == 500
    assert (
        "助手无法使用：规则文件" in response.json()["message"]
        and "坏编号" in response.json()["message"]
    )
