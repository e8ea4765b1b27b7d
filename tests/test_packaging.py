"""Deployment files parse and say what the code expects."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


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


def test_compose_file_parses_and_wires_bot_ingest_and_chroma():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"chroma", "bot", "ingest"}
    assert services["chroma"]["image"].startswith("chromadb/chroma:")
    assert any(v.startswith("chroma-data:") for v in services["chroma"]["volumes"])
    for name in ("bot", "ingest"):
        env = services[name]["environment"]
        assert env["AVTALEBOT_CHROMA_HOST"] == "chroma" and env["AVTALEBOT_DATA_DIR"] == "/data"
        assert services[name]["build"] == "."
        assert "avtalebot-data:/data" in services[name]["volumes"]
    assert services["ingest"]["command"][0] == "ingest" and services["ingest"]["profiles"] == ["ingest"]
    assert set(compose["volumes"]) == {"chroma-data", "avtalebot-data"}
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["avtalebot"]' in dockerfile and "constraints.txt" in dockerfile


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
        env={"SLACK_BOT_TOKEN": "x", "PATH": "/usr/bin:/bin"},
    )
    assert res.returncode == 0, res.stderr
