"""Deployment files parse and say what the code expects."""

import json

import yaml

from tests.conftest import ROOT


def test_slack_manifest_has_the_scopes_and_events_the_bot_uses():
    m = yaml.safe_load((ROOT / "bot" / "manifest.yaml").read_text())
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    assert {
        "app_mentions:read",
        "chat:write",
        "commands",
        "im:history",
        "channels:history",
        "reactions:write",
        "files:read",
    } <= scopes
    assert {"app_mention", "message.im", "message.channels"} <= set(
        m["settings"]["event_subscriptions"]["bot_events"]
    )
    assert {c["command"] for c in m["features"]["slash_commands"]} == {"/avtale", "/avtale-reindex"}
    assert m["settings"]["interactivity"]["is_enabled"] is True


def test_slack_manifest_declares_the_agent_view_and_every_event_the_code_listens_for():
    import re

    m = yaml.safe_load((ROOT / "bot" / "manifest.yaml").read_text())
    assert m["features"]["agent_view"]["agent_description"].strip()
    assert m["features"]["app_home"]["home_tab_enabled"] is True
    scopes = set(m["oauth_config"]["scopes"]["bot"])
    assert {"assistant:write", "users:read"} <= scopes  # status/prompts/titles; the user's locale
    subscribed = set(m["settings"]["event_subscriptions"]["bot_events"])
    code = "\n".join(p.read_text() for p in (ROOT / "bot").glob("*.py"))
    listened = set(re.findall(r'app\.event\("([a-z_]+)"\)', code))
    assert {"app_home_opened", "assistant_thread_started", "app_mention", "message"} <= listened
    for event in listened:
        assert (event if event != "message" else "message.im") in subscribed, event


def test_compose_file_runs_replicas_on_shared_chroma_and_postgres_with_the_review_site():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"chroma", "postgres", "bot", "lb", "web", "ingest"}
    assert services["chroma"]["image"].startswith("chromadb/chroma:")
    assert any(v.startswith("chroma-data:") for v in services["chroma"]["volumes"])
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    for name in ("bot", "web", "ingest"):
        env = services[name]["environment"]
        assert env["AVTALEBOT_CHROMA_HOST"] == "chroma" and env["AVTALEBOT_DATA_DIR"] == "/data"
        assert (
            env["AVTALEBOT_DATABASE_URL"].startswith("postgresql://")
            and "@postgres:5432/" in env["AVTALEBOT_DATABASE_URL"]
        )
        assert services[name]["build"] == "."
        assert any(v.startswith("avtalebot-data:/data") for v in services[name]["volumes"])
        assert set(services[name]["depends_on"]) == {"chroma", "postgres"}
    bot, web = services["bot"], services["web"]
    assert bot["deploy"]["replicas"] == 2 and "ports" not in bot  # replicas cannot share a host port
    assert bot["command"][:3] == ["slack", "--mode", "http"]
    assert services["lb"]["ports"] == ["3000:3000"]
    lb_conf = compose["configs"]["lb-conf"]["content"]
    assert "proxy_pass $$bot" in lb_conf and "http://bot:3000" in lb_conf and "resolver 127.0.0.11" in lb_conf
    assert web["command"][0] == "web" and "AVTALEBOT_WEB_TOKEN" in web["environment"]
    assert services["ingest"]["command"][0] == "ingest" and services["ingest"]["profiles"] == ["ingest"]
    assert set(compose["volumes"]) == {"chroma-data", "postgres-data", "avtalebot-data"}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["avtalebot"]' in dockerfile and "constraints.txt" in dockerfile
    assert "COPY web ./web" in dockerfile and "tesseract-ocr-nor" in dockerfile
    installed = dockerfile.split('".[', 1)[1].split("]", 1)[0].split(",")
    assert {"slack", "web", "postgres", "ocr"} <= set(installed)


def test_compose_file_is_valid_against_the_compose_specification():
    """The Compose Specification's own JSON schema (compose-spec/compose-spec, schema/compose-spec.json,
    Apache-2.0, commit 170098b of June 2026, kept in tests/data) checks what no docker client here can."""
    import re

    from jsonschema import Draft7Validator

    schema = json.loads((ROOT / "tests" / "data" / "compose-spec.json").read_text())
    text = (ROOT / "docker-compose.yml").read_text()
    text = re.sub(r"\$\{([A-Z_]+)(:[-?][^}]*)?\}", "x", text)  # what compose interpolates before it validates
    errors = [
        f"{'/'.join(map(str, e.path))}: {e.message}"
        for e in Draft7Validator(schema).iter_errors(yaml.safe_load(text))
    ]
    assert errors == []
    broken = yaml.safe_load(text)
    broken["services"]["bot"]["replica"] = 2  # a misspelt key
    assert list(Draft7Validator(schema).iter_errors(broken))  # the check can fail


def test_compose_config_validates_when_docker_compose_is_available():
    import shutil
    import subprocess

    import pytest

    if shutil.which("docker") is None:
        pytest.skip("no docker client here; the structural test above covers the file")
    if subprocess.run(["docker", "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker client without the compose plugin")
    res = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        capture_output=True,
        text=True,
        env={
            "SLACK_BOT_TOKEN": "x",
            "POSTGRES_PASSWORD": "x",
            "AVTALEBOT_WEB_TOKEN": "x",
            "PATH": "/usr/bin:/bin",
        },
    )
    assert res.returncode == 0, res.stderr


def test_readme_slack_section_names_every_scope_and_event_the_manifest_installs():
    m = yaml.safe_load((ROOT / "bot" / "manifest.yaml").read_text())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    slack = readme[readme.index("## Slack") : readme.index("## Keeping the index current")]
    for scope in m["oauth_config"]["scopes"]["bot"]:
        assert f"`{scope}`" in slack, scope
    for event in m["settings"]["event_subscriptions"]["bot_events"]:
        name = event.split(".")[0] if event.startswith("message.") else event
        assert name in slack, event
    assert "agent_view" in slack
