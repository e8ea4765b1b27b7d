"""Admin actions from Slack: reindex the corpus folder, ingest a file shared in the admin channel."""

from __future__ import annotations

import logging
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from avtalebot.errors import AvtalebotError
from avtalebot.settings import Settings
from bot.escape import escape_mrkdwn
from bot.labels import bot_label
from ingest.loaders import LOADERS
from ingest.text import detect_lang

log = logging.getLogger(__name__)
MAX_DOWNLOAD = 50 * 1024 * 1024


def summary_text(report) -> str:
    lines = [
        f"Indeks oppdatert: {report.documents} dokumenter, {report.chunks} utdrag. "
        f"Lagt til: {len(report.added)}, endret: {len(report.changed)}, fjernet: {len(report.removed)}, "
        f"feilet: {len(report.failed)}."
    ]
    # file names and reasons come from outside the bot: escaped, so '<!channel> x.txt' stays text
    lines += [f"• Feilet {escape_mrkdwn(name)}: {escape_mrkdwn(reason)}" for name, reason in report.failed[:20]]
    for name, diff in list(report.changes.items())[:5]:
        lines.append(f"• Endret {escape_mrkdwn(name)}: +{len(diff['added'])} / -{len(diff['removed'])} setninger")
    return "\n".join(lines)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to an allowed host: the bot token is never sent anywhere else."""

    def __init__(self, allowed: set[str]) -> None:
        self._allowed = allowed

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        host = urlparse(newurl).hostname or ""
        if host not in self._allowed:
            raise ValueError(f"the download was redirected to another host ({host})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Admin:
    def __init__(self, *, settings: Settings, syncer, api_host: str) -> None:
        self._settings = settings
        self._syncer = syncer
        self._admins = set(settings.admin_users)
        self._api_host = api_host

    def is_admin(self, user: str) -> bool:
        return user in self._admins

    @property
    def upload_dir(self) -> Path:
        return (
            Path(self._settings.corpus_dir)
            if self._settings.corpus_dir
            else Path(self._settings.data_dir) / "uploads"
        )

    def ack_reindex(self, ack, command):
        lang = detect_lang(command.get("text") or "")
        ack(
            text=bot_label(
                lang, "reindexing" if self.is_admin(command.get("user_id", "")) else "refuse_admin"
            )
        )

    def reindex(self, respond, command):
        if not self.is_admin(command.get("user_id", "")):
            return
        if not self._settings.corpus_dir:
            respond(text=bot_label("nb", "no_corpus"))
            return
        try:
            report = self._syncer.sync([Path(self._settings.corpus_dir)])
            respond(text=summary_text(report))
        except AvtalebotError as exc:
            respond(text=escape_mrkdwn(str(exc)))

    def on_file_share(self, event, body, client, context) -> None:
        channel = event.get("channel")
        if not self._settings.admin_channel or channel != self._settings.admin_channel:
            return
        thread = event.get("ts")
        if not self.is_admin(event.get("user", "")):
            client.chat_postMessage(channel=channel, thread_ts=thread, text=bot_label("nb", "refuse_admin"))
            return
        saved = []
        for f in event.get("files", []):
            name = Path(f.get("name") or "").name
            if Path(name).suffix.lower() not in LOADERS:
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread,
                    text=f"{escape_mrkdwn(name)}: {bot_label('nb', 'unsupported_file')}",
                )
                continue
            try:
                saved.append(self._download(f, name, context))
            except (OSError, ValueError) as exc:
                client.chat_postMessage(
                    channel=channel,
                    thread_ts=thread,
                    text=f"{escape_mrkdwn(name)}: nedlasting feilet ({escape_mrkdwn(str(exc))})",
                )
        if not saved:
            return
        try:
            report = self._syncer.sync([self.upload_dir])
            text = summary_text(report)
        except AvtalebotError as exc:
            text = escape_mrkdwn(str(exc))
        client.chat_postMessage(channel=channel, thread_ts=thread, text=text)

    def _download(self, f: dict, name: str, context) -> Path:
        url = f.get("url_private_download") or f.get("url_private") or ""
        allowed = {"files.slack.com", self._api_host}
        host = urlparse(url).hostname or ""
        if host not in allowed:
            raise ValueError("unexpected download host")
        token = self._settings.slack_bot_token.get_secret_value() if self._settings.slack_bot_token else ""
        req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
        opener = urllib.request.build_opener(_CheckedRedirects(allowed))  # every hop is checked
        with opener.open(req, timeout=30) as resp:
            data = resp.read(MAX_DOWNLOAD + 1)
        if len(data) > MAX_DOWNLOAD:
            raise ValueError("file too large")
        self.upload_dir.mkdir(parents=True, exist_ok=True)
        target = self.upload_dir / name
        tmp = self.upload_dir / f".{name}.part"  # hidden: never picked up by a concurrent sync
        tmp.write_bytes(data)
        tmp.replace(target)
        return target
