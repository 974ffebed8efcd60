"""The deployment files (deploy/): their structure, and that they name real settings. (No
Docker engine runs where the tests run: the compose file is checked, not started; the Debian
steps of docs/deploy.md were tried by hand.)"""

from __future__ import annotations

import configparser
import re
import sqlite3
import subprocess
from pathlib import Path

import yaml

from draftbot.config import Settings

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _compose() -> dict:
    return yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))


def test_compose_has_postgresql_two_app_instances_and_an_https_proxy() -> None:
    services = _compose()["services"]
    assert set(services) == {"db", "app1", "app2", "proxy"}
    assert services["db"]["image"].startswith("postgres:")
    assert "healthcheck" in services["db"]
    urls = {services[name]["environment"]["DRAFTBOT_DATABASE_URL"] for name in ("app1", "app2")}
    (url,) = urls  # both instances share the one database
    assert url.startswith("postgresql://draftbot:") and url.endswith("@db:5432/draftbot")
    for name in ("app1", "app2"):
        app = services[name]
        assert app["depends_on"]["db"]["condition"] == "service_healthy"
        assert app["environment"]["DRAFTBOT_WEB_ACCESS_TOKEN"]  # beyond loopback: a token
        assert "ports" not in app  # reached only through the proxy
    assert {"80:80", "443:443"} <= set(services["proxy"]["ports"])
    caddy = (DEPLOY / "Caddyfile").read_text(encoding="utf-8")
    assert re.search(r"reverse_proxy app1:8000 app2:8000", caddy)
    # nothing is pinned to one instance: the batch workspace too is in the database
    assert "handle" not in caddy and caddy.count("reverse_proxy") == 1


def test_compose_environment_names_real_settings() -> None:
    fields = {f"DRAFTBOT_{name.upper()}" for name in Settings.model_fields}
    env = _compose()["services"]["app1"]["environment"]
    assert set(env) <= fields
    example = (DEPLOY / "draftbot.env.example").read_text(encoding="utf-8")
    names = {line.split("=", 1)[0] for line in example.splitlines() if "=" in line}
    assert names <= fields and "DRAFTBOT_DATABASE_URL" in names


def test_systemd_units_run_draftbot_serve_on_loopback_with_the_env_file() -> None:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.read(DEPLOY / "systemd" / "draftbot@.service", encoding="utf-8")
    service = unit["Service"]
    assert service["ExecStart"].split()[1:] == ["serve", "--host", "127.0.0.1", "--port", "%i"]
    assert service["EnvironmentFile"] == "/etc/draftbot/draftbot.env"
    assert service["User"] == "draftbot" and service["Restart"] == "always"
    nginx = (DEPLOY / "nginx" / "draftbot.conf").read_text(encoding="utf-8")
    assert "server 127.0.0.1:8001" in nginx and "server 127.0.0.1:8002" in nginx
    assert "listen 443 ssl" in nginx and "proxy_set_header Host $host" in nginx
    assert nginx.count("location ") == 1 and "proxy_pass http://draftbot;" in nginx
    timer = configparser.ConfigParser(interpolation=None)
    timer.read(DEPLOY / "systemd" / "draftbot-backup.timer", encoding="utf-8")
    assert timer["Timer"]["OnCalendar"]


def test_backup_script_copies_a_live_sqlite_database(tmp_path: Path) -> None:
    from draftbot.model import Meta, Report
    from draftbot.store import Store

    data = tmp_path / "data"
    store = Store.in_folder(data)
    stored = store.create(Report(meta=Meta(agency="测试县教育局", report_year=2024)))
    out = subprocess.run(
        ["sh", str(DEPLOY / "backup.sh"), str(tmp_path / "backups")],
        env={"PATH": "/usr/bin:/bin", "DRAFTBOT_DATA_DIR": str(data)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(out).parent == tmp_path / "backups" and Path(out).suffix == ".sqlite3"
    restored = tmp_path / "restored"
    restored.mkdir()
    Path(out).rename(restored / "draftbot.sqlite3")
    assert Store.in_folder(restored).get(stored.id).report.meta.agency == "测试县教育局"
    with sqlite3.connect(restored / "draftbot.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
