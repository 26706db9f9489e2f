"""What the notification tests share: a radar day fetched from the bundled sample feeds by the real
CLI, with one paper whose title is hostile to every message format, briefed (extractive) by the real
CLI; a real SMTP server (aiosmtpd) on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import yaml
from sample_site import fetch_samples

from pipeline.archive.entry import entry_path, render_entry
from pipeline.files import atomic_write
from pipeline.models import Author, Paper, Selection
from pipeline.notify.message import CardText, Message, Section, Theme
from pipeline.project.demo import DEMO_DAY

ROOT = Path(__file__).resolve().parents[2]
DAY = DEMO_DAY.isoformat()
SITE = "https://radar.example.org/hub"
# markup, mentions (Slack's, Discord's, Feishu's <at>, WeCom's and DingTalk's @all) and a link in the
# syntax of every format a channel uses
HOSTILE_TITLE = (
    "<b>Bold</b> *star* _under_ ~strike~ `tick` @channel @everyone <!channel> <@U024BE7LH> "
    '<at user_id="all"></at> @all [click](https://evil.example/x) & <script>alert(1)</script> # Head'
)
HOSTILE_ID = "arxiv:2604.99999"
HOSTILE_SLUG = "arxiv-2604-99999"


def cli(*args: str, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real `academichub` command in a subprocess (as tests/conftest.py's run_cli)."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline.cli", *args],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "160", **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _hostile_paper() -> Paper:
    when = datetime(2026, 4, 26, 18, tzinfo=UTC)
    return Paper(
        id=HOSTILE_ID,
        title=HOSTILE_TITLE,
        source="arxiv-cs-cl",
        source_label="arXiv (CS.CL)",
        version=1,
        authors=(Author("Mallory <script>x</script>"),),
        abstract="We show that *emphasis* and <i>markup</i> in an abstract stay text. Results improve by 3%.",
        categories=("cs.CL",),
        published=when,
        updated=when,
        url="https://arxiv.org/abs/2604.99999",
        pdf="https://arxiv.org/pdf/2604.99999v1",
        arxiv_id="2604.99999",
        received=DEMO_DAY,
        topics=(Selection("language-models", 9, keywords=("language model*",), categories=("cs.CL",)),),
    )


def hostile_message() -> Message:
    """A day where every text from a feed or a model — headlines, themes, card titles, TL;DRs in both
    languages — is the hostile title (9 places in all: a theme line holds it twice)."""
    theme = Theme(HOSTILE_TITLE, HOSTILE_TITLE, ("01",))
    card = CardText(
        "01",
        HOSTILE_TITLE,
        f"{SITE}/papers/{HOSTILE_SLUG}.html",
        {"en": "Topic", "zh": "主题"},
        {"zh": HOSTILE_TITLE, "en": HOSTILE_TITLE},
    )
    return Message(
        day=date(2026, 4, 27),
        channel="lab",
        languages=("zh", "en"),
        sections=(Section("zh", HOSTILE_TITLE, (theme,)), Section("en", HOSTILE_TITLE, (theme,))),
        cards=(card,),
        papers=3,
        updates=1,
        site=SITE,
        brief_url=f"{SITE}/briefs/2026-04-27.html",
        day_url=f"{SITE}/archive/2026/04/27.html",
        feeds_url=f"{SITE}/topics.html",
    )


HOSTILE_PLACES = 9


_project: Path | None = None


def project() -> Path:
    """A fresh copy of the briefed sample day (content/, state/, rules/), made once per process."""
    global _project
    if _project is None:
        root = Path(tempfile.mkdtemp(prefix="academichub-notify-"))
        shutil.copytree(ROOT / "rules", root / "rules")
        fetch_samples(lambda *args, cwd: cli(*args, cwd=cwd), root, root / "rules")
        paper = _hostile_paper()
        atomic_write(root / "content" / entry_path(paper), render_entry(paper))
        done = cli("brief", "--extractive", "--date", DAY, cwd=root)
        assert done.returncode == 0, done.stderr
        _project = root
    copy = Path(tempfile.mkdtemp(prefix="academichub-notify-run-"))
    for name in ("content", "state", "rules"):
        shutil.copytree(_project / name, copy / name)
    return copy


def write_notify(folder: Path, channels: list[dict], **delivery) -> Path:
    path = folder / "notify.yml"
    path.write_text(
        yaml.safe_dump(
            {
                "site_url": SITE,
                "delivery": {"retries": 2, "backoff": 0.01, "timeout": 5, **delivery},
                "channels": channels,
            },
            allow_unicode=True,
            sort_keys=False,
        ),
        encoding="utf-8",
    )
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Mailbox:
    """What the SMTP server received; ``replies``: its answers to the next DATA commands (then 250)."""

    port: int
    messages: list = field(default_factory=list)  # (envelope sender, recipients, raw bytes)
    replies: list[str] = field(default_factory=list)
    attempts: int = 0
    logins: list = field(default_factory=list)  # (mechanism, user, accepted)
    encrypted: list = field(default_factory=list)  # per message received: was the session under TLS
    ca_file: Path | None = None  # the certificate authority that signed the server's certificate


@contextmanager
def smtp_server(security: str = "none", users: dict[str, str] | None = None):
    """A real SMTP server (aiosmtpd) on 127.0.0.1: plain, or requiring STARTTLS (``starttls``), or
    speaking TLS from the first byte (``tls``), with a certificate for 127.0.0.1 from a test CA
    (trustme; clients trust it through SSL_CERT_FILE=box.ca_file).  With ``users`` it requires a
    login (over TLS only) and accepts those users' passwords."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    box = Mailbox(free_port())

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's naming)
            box.attempts += 1
            reply = box.replies.pop(0) if box.replies else "250 OK"
            if reply.startswith("250"):
                box.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
                # STARTTLS sets the session's ssl; a TLS connection's transport has its SSL object
                box.encrypted.append(
                    session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
                )
            return reply

    def authenticator(server, session, envelope, mechanism, data):
        ok = isinstance(data, LoginPassword) and users.get(data.login.decode()) == data.password.decode()
        box.logins.append((mechanism, data.login.decode() if isinstance(data, LoginPassword) else None, ok))
        return AuthResult(success=ok, handled=False)

    options: dict = {}
    folder = None
    if security != "none":
        import ssl

        import trustme

        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1").configure_cert(context)
        folder = Path(tempfile.mkdtemp(prefix="academichub-smtp-ca-"))
        box.ca_file = folder / "ca.pem"
        ca.cert_pem.write_to_path(str(box.ca_file))
        options = (
            {"tls_context": context, "require_starttls": True}
            if security == "starttls"
            else {"ssl_context": context, "auth_require_tls": False}
        )  # all of a TLS session is encrypted
    if users is not None:
        options.update(auth_required=True, authenticator=authenticator)
    controller = Controller(Handler(), hostname="127.0.0.1", port=box.port, **options)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
