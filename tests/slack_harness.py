"""Test harness for the Slack bot: the real HTTP-mode server with signed requests, and fixtures."""

from __future__ import annotations

import shutil

import pytest

from avtalebot.settings import Settings
from avtalebot.sync import Syncer
from avtalebot.wiring import build_app
from bot.app import build_bolt_app
from bot.http_server import BoltHTTPServer
from tests.conftest import CORPUS
from tests.slack_fake import FakeSlack, event_body, post, sign

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-token-123"


class Bot:
    def __init__(self, settings: Settings, embedder, fake: FakeSlack) -> None:
        self.fake = fake
        core = build_app(settings, embedder=embedder)
        self.syncer = Syncer(settings, core.layout, embedder)
        self.app, self.service = build_bolt_app(
            settings=settings,
            answerer=core.answerer,
            live=core.live,
            syncer=self.syncer,
            socket_mode=False,
        )
        self.server = BoltHTTPServer(self.app, "127.0.0.1", 0, signing_secret=SECRET)
        self.server.start_background()
        self.url = f"http://127.0.0.1:{self.server.port}/slack/events"
        self._n = 0

    def send_event(self, event: dict, event_id: str | None = None, headers: dict | None = None):
        self._n += 1
        body = event_body(event, event_id or f"Ev{self._n:05d}")
        return post(self.url, body, {**sign(SECRET, body), **(headers or {})}, "application/json")

    def send_form(self, body: str):
        return post(self.url, body, sign(SECRET, body), "application/x-www-form-urlencoded")

    def stop(self):
        self.server.stop()


def bot_settings(data_dir, fake, **extra) -> Settings:
    return Settings(
        data_dir=data_dir,
        slack_bot_token=TOKEN,
        slack_signing_secret=SECRET,
        slack_api_url=fake.base_url,
        # tests send many questions from one user; the limit has tests of its own
        **{"slack_user_rate_per_min": 1000, **extra},
    )


@pytest.fixture
def fake():
    f = FakeSlack().start()
    yield f
    f.stop()


@pytest.fixture
def bot(fake, e5_data, e5_embedder, tmp_path):
    data = e5_data
    b = Bot(
        bot_settings(
            data,
            fake,
            admin_users=["UADMIN"],
            admin_channel="CADMIN",
            corpus_dir=tmp_path / "corpus",
        ),
        e5_embedder,
        fake,
    )
    shutil.copytree(CORPUS, tmp_path / "corpus")
    yield b
    b.stop()
