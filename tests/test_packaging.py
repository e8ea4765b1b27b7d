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
