"""`academichub notify` and e-mail: notify.yml checked with file:line errors, the day's brief sent
through a real SMTP server on 127.0.0.1 (aiosmtpd) once per channel and day, retried and reported,
hostile text escaped, and the HTML part looked at in Chromium at 360 px, light and dark."""

from __future__ import annotations

import email
import json
import os
from dataclasses import replace
from email import policy
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from browser import ARGS, CHROMIUM, NO_CHROMIUM
from notify_helpers import (
    DAY,
    HOSTILE_PLACES,
    HOSTILE_SLUG,
    HOSTILE_TITLE,
    SITE,
    cli,
    free_port,
    hostile_message,
    project,
    smtp_server,
    write_notify,
)
from sample_site import sample_sources

from pipeline.project.demo import serve_samples

RECIPIENTS = "Ana <ana@example.org>, bo@example.org"


def mail_channel(port: int, **extra) -> dict:
    return {
        "id": "team-mail",
        "kind": "email",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "security": "none",
        "sender": "AcademicHub <radar@example.org>",
        "to_env": "RADAR_TO",
        "cards": 5,
        **extra,
    }


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


class Links(HTMLParser):
    """Every element and the text of every link of an HTML document."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.links: dict[str, str] = {}
        self._href = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "a":
            self._href = dict(attrs).get("href")
            self.links[self._href] = ""

    def handle_endtag(self, tag):
        if tag == "a":
            self._href = None

    def handle_data(self, data):
        if self._href is not None:
            self.links[self._href] += data


def test_notify_yml_errors_name_file_and_line(tmp_path):
    (tmp_path / "notify.yml").write_text(
        "site_url: https://radar.example.org\n"
        "channels:\n"
        "  - id: mail\n"
        "    kind: email\n"
        "    smtp_hots: smtp.example.org\n"
        "  - id: mail-two\n"
        "    kind: email\n"
        "    smtp_host: smtp.example.org\n"
        "    sender: radar@example.org\n"
        "    to_env: ana@example.org\n"
        "  - id: mail-three\n"
        "    kind: email\n"
        "    smtp_host: smtp.example.org\n"
        "    to_env: RADAR_TO\n",
        encoding="utf-8",
    )
    done = cli("notify", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert (
        "notify.yml:5: channels[0].smtp_hots: unknown key 'smtp_hots' for kind 'email' (did you mean 'smtp_host'?)"
        in lines
    )
    # a secret written where the name of its environment variable belongs
    assert any(line.startswith("notify.yml:10: channels[1].to_env: String should match pattern") for line in lines)
    assert "notify.yml:11: channels[2]: this email channel needs sender" in lines, lines


def test_email_arrives_once_with_both_parts_and_escaped_text():
    folder = project()
    with smtp_server() as box:
        write_notify(folder, [mail_channel(box.port)])
        env = {"RADAR_TO": RECIPIENTS}
        first = cli("notify", "--date", DAY, cwd=folder, env=env)
        assert first.returncode == 0, first.stderr
        again = cli("notify", "--date", DAY, cwd=folder, env=env)
        assert again.returncode == 0 and "already-sent" in again.stderr
        assert len(box.messages) == 1  # a re-run sends nothing again
        forced = cli("notify", "--date", DAY, "--force", cwd=folder, env=env)
        assert forced.returncode == 0, forced.stderr
        assert len(box.messages) == 2

    sender, to, raw = box.messages[0]
    assert sender == "radar@example.org" and to == ["ana@example.org", "bo@example.org"]
    mail = parse(raw)
    assert mail.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in mail.iter_parts()] == ["text/plain", "text/html"]
    assert mail["Message-ID"] == f"<{DAY}.team-mail.academichub@example.org>"
    assert parse(box.messages[1][2])["Message-ID"] == mail["Message-ID"]  # stable per day and channel
    assert mail["List-Unsubscribe"] == f"<{SITE}/topics.html>"
    assert mail["From"].addresses[0].addr_spec == "radar@example.org"
    assert "ana@example.org" not in str(raw)  # the recipients are in the envelope only
    assert DAY in mail["Subject"] and "papers" in mail["Subject"] and "篇论文" in mail["Subject"]

    text = mail.get_body(("plain",)).get_content()
    assert HOSTILE_TITLE in text  # text as it is in the plain part
    assert f"{SITE}/papers/{HOSTILE_SLUG}.html" in text and f"{SITE}/briefs/{DAY}.html" in text

    page = mail.get_body(("html",)).get_content()
    parsed = Links()
    parsed.feed(page)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "link", "object", "form", "b", "at"}  # none from the title either
    assert not [attrs for _, attrs in parsed.tags if "src" in attrs]  # no remote image or resource
    assert parsed.links[f"{SITE}/papers/{HOSTILE_SLUG}.html"] == HOSTILE_TITLE  # the title arrives as its text
    assert all(href.startswith(SITE + "/") for href in parsed.links)
    assert 'name="color-scheme" content="light dark"' in page and "prefers-color-scheme: dark" in page

    record = json.loads((folder / "state" / "notify.json").read_text(encoding="utf-8"))
    assert record["days"][DAY]["team-mail"]["status"] == "sent"


# aiosmtpd warns of a login not bound to STARTTLS; on a TLS connection all of the session is encrypted
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_email_over_starttls_or_tls_logs_in_with_the_secrets(security):
    """A server that requires STARTTLS (or speaks TLS from the start) and a login: the message goes
    out encrypted with the user and password from their secrets; a wrong password is refused once,
    not retried; a server whose certificate is not trusted gets nothing."""
    folder, untrusted = project(), project()
    users = {"radar-user": "s3cret pass"}
    with smtp_server(security, users=users) as box:
        channel = mail_channel(
            box.port, security=security, user_env="RADAR_SMTP_USER", password_env="RADAR_SMTP_PASSWORD"
        )
        write_notify(folder, [channel, {**channel, "id": "wrong-login", "password_env": "RADAR_WRONG_PASSWORD"}])
        env = {
            "RADAR_TO": RECIPIENTS,
            "RADAR_SMTP_USER": "radar-user",
            "RADAR_SMTP_PASSWORD": users["radar-user"],
            "RADAR_WRONG_PASSWORD": "a-guess",
            "SSL_CERT_FILE": str(box.ca_file),
        }
        done = cli("notify", "--date", DAY, cwd=folder, env=env)
        write_notify(untrusted, [channel])
        refused = cli(
            "notify", "--date", DAY, cwd=untrusted, env={k: v for k, v in env.items() if k != "SSL_CERT_FILE"}
        )
    assert done.returncode == 1 and refused.returncode == 1
    assert len(box.messages) == 1 and box.encrypted == [True]
    assert [p.get_content_type() for p in parse(box.messages[0][2]).iter_parts()] == ["text/plain", "text/html"]
    # the right password accepted; the wrong one refused (smtplib offers it by each mechanism in one session)
    assert box.logins[0][1:] == ("radar-user", True) and len(box.logins) >= 2
    assert {(user, ok) for _, user, ok in box.logins[1:]} == {("radar-user", False)}
    record = json.loads((folder / "state" / "notify.json").read_text(encoding="utf-8"))["days"][DAY]
    assert record["team-mail"]["status"] == "sent"
    assert record["wrong-login"]["status"] == "failed" and record["wrong-login"]["attempts"] == 1
    assert "login refused: 535" in record["wrong-login"]["error"]
    shown = json.dumps(record) + done.stdout + done.stderr
    assert "s3cret" not in shown and "a-guess" not in shown  # the secrets never reach the record or the output
    other = json.loads((untrusted / "state" / "notify.json").read_text(encoding="utf-8"))["days"][DAY]["team-mail"]
    assert other["status"] == "failed" and other["attempts"] == 1, other
    assert "certificate is not trusted" in other["error"], other


def test_a_failing_channel_is_retried_then_reported_and_the_others_go_out():
    folder = project()
    closed = free_port()  # nothing listens there
    with smtp_server() as box:
        # a transient refusal (retried), accepted, a permanent refusal (not retried)
        box.replies = ["451 4.3.0 Try again later", "250 OK", "554 5.7.1 Rejected"]
        write_notify(
            folder,
            [mail_channel(box.port), mail_channel(closed, id="backup-mail"), mail_channel(box.port, id="strict-mail")],
        )
        done = cli("notify", "--date", DAY, cwd=folder, env={"RADAR_TO": RECIPIENTS})
    assert done.returncode == 1
    assert box.attempts == 3 and len(box.messages) == 1
    record = json.loads((folder / "state" / "notify.json").read_text(encoding="utf-8"))["days"][DAY]
    assert record["team-mail"]["status"] == "sent" and record["team-mail"]["attempts"] == 2
    assert record["backup-mail"]["status"] == "failed" and record["backup-mail"]["attempts"] == 3
    assert (
        "cannot connect" in record["backup-mail"]["error"] and f"127.0.0.1:{closed}" in record["backup-mail"]["error"]
    )
    assert record["strict-mail"]["status"] == "failed" and record["strict-mail"]["attempts"] == 1
    assert "SMTP 554" in record["strict-mail"]["error"]
    assert "backup-mail" in done.stderr and "failed" in done.stderr

    summary = cli("health", cwd=folder)
    assert "`team-mail` sent" in summary.stdout and "`backup-mail` failed" in summary.stdout
    built = cli(
        "build",
        "--content",
        "content",
        "--output",
        "output",
        "--state",
        "state",
        "--rules",
        "rules",
        "--settings",
        str(Path(__file__).resolve().parents[2] / "pelicanconf.py"),
        "--no-search",
        cwd=folder,
    )
    assert built.returncode == 0, built.stderr
    status = (folder / "output" / "status.html").read_text(encoding="utf-8")
    section = status[status.index('id="notify-head"') :]
    assert "backup-mail" in section and "cannot connect" in section and "team-mail" in section


def test_dry_run_prints_and_sends_nothing():
    folder = project()
    with smtp_server() as box:
        write_notify(folder, [mail_channel(box.port, language="en", cards=2, themes=False)])
        done = cli("notify", "--date", DAY, "--dry-run", cwd=folder)
    assert done.returncode == 0, done.stderr
    assert box.attempts == 0 and not (folder / "state" / "notify.json").exists()
    assert "===== team-mail (email) =====" in done.stdout
    assert "Message-ID: <2026-04-27.team-mail.academichub@example.org>" in done.stdout
    assert "01. " + HOSTILE_TITLE in done.stdout and "03. " not in done.stdout and "篇论文" not in done.stdout


def test_run_sends_after_its_stages_when_notify_yml_exists():
    folder = project()
    (folder / "content").rename(folder / "old-content")
    (folder / "state").rename(folder / "old-state")
    with serve_samples() as base, smtp_server() as box:
        (folder / "sources.yml").write_text(yaml.safe_dump(sample_sources(base)), encoding="utf-8")
        write_notify(folder, [mail_channel(box.port, topics=["quantum-information"])])
        done = cli(
            "run",
            "--date",
            DAY,
            "--extractive",
            "--no-embed",
            "--no-search",
            "--settings",
            str(Path(__file__).resolve().parents[2] / "pelicanconf.py"),
            "--output",
            "output",
            cwd=folder,
            env={"RADAR_TO": "ana@example.org"},
            timeout=300,
        )
        assert done.returncode == 0, done.stderr
        skipped = cli(
            "run",
            "--date",
            DAY,
            "--extractive",
            "--no-build",
            "--no-embed",
            "--no-notify",
            cwd=folder,
            env={"RADAR_TO": "ana@example.org"},
        )
        assert skipped.returncode == 0, skipped.stderr
    assert len(box.messages) == 1
    mail = parse(box.messages[0][2])
    text = mail.get_body(("plain",)).get_content()
    assert "(量子信息 · Quantum Information)" in text and "Language Models)" not in text  # its topics only
    # sent after the build, and every link of the message is a page the build wrote
    assert (folder / "state" / "notify.json").stat().st_mtime >= (folder / "output" / "index.html").stat().st_mtime
    links = Links()
    links.feed(mail.get_body(("html",)).get_content())
    assert len(links.links) >= 4
    for href in links.links:
        assert (folder / "output" / href.removeprefix(SITE + "/")).is_file(), href


ALLOWED_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "div",
    "p",
    "h1",
    "h2",
    "ul",
    "li",
    "strong",
    "span",
    "a",
    "br",
}


class Text(HTMLParser):
    """The text of an HTML document as a reader sees it (entities read), and its elements."""

    def __init__(self, page: str):
        super().__init__(convert_charrefs=True)
        self.text, self.tags, self._skip = [], set(), False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self._skip = tag in ("style", "title")

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def test_feed_and_model_text_in_every_field_of_the_mail_stays_text():
    from pipeline.notify import email as mail_kind
    from pipeline.notify.email import EmailChannel

    channel = EmailChannel(
        id="team-mail", kind="email", smtp_host="127.0.0.1", sender="radar@example.org", to_env="RADAR_TO"
    )
    mail = parse(bytes(mail_kind.build(hostile_message(), channel)))
    assert mail.get_body(("plain",)).get_content().count(HOSTILE_TITLE) == HOSTILE_PLACES
    page = Text(mail.get_body(("html",)).get_content())
    assert page.tags <= ALLOWED_TAGS, page.tags - ALLOWED_TAGS
    assert "".join(page.text).count(HOSTILE_TITLE) == HOSTILE_PLACES  # each of them shown as its characters


# every element with text of its own: its colour against the background it is drawn on (WCAG's
# contrast ratio) and how far right its box reaches
READ_PAGE = """() => {
  const rgba = (c) => { const v = c.match(/[\\d.]+/g).map(Number); return v.length > 3 ? v : [...v, 1]; };
  const luminance = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ground = (el) => { for (; el; el = el.parentElement) { const c = rgba(getComputedStyle(el).backgroundColor);
    if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
  const seen = [];
  for (const el of document.body.querySelectorAll("*")) {
    if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
    const a = luminance(rgba(getComputedStyle(el).color)), b = luminance(ground(el));
    seen.push({text: el.textContent.trim().slice(0, 40), ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
               right: el.getBoundingClientRect().right, page: luminance(ground(document.body))});
  }
  return {elements: seen, width: document.documentElement.scrollWidth};
}"""


@pytest.mark.skipif(not CHROMIUM.exists(), reason=NO_CHROMIUM)
def test_html_mail_in_chromium_at_360px_light_and_dark(tmp_path):
    """The mail as sent for the sample day, and a mail whose every field is hostile with a word too
    long for a phone, in Chromium at 360 px, light and dark: nothing wider than the screen, every
    text readable on its background (WCAG AA, 4.5:1), a dark page in dark mode, nothing fetched, no
    script run.  The screenshots go to $ACADEMICHUB_SCREENSHOTS when it is set."""
    from playwright.sync_api import sync_playwright

    from pipeline.notify import email as mail_kind

    folder = project()
    with smtp_server() as box:
        write_notify(folder, [mail_channel(box.port)])
        assert cli("notify", "--date", DAY, cwd=folder, env={"RADAR_TO": RECIPIENTS}).returncode == 0
    sent = parse(box.messages[0][2]).get_body(("html",)).get_content()
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
    hostile = hostile_message()
    hostile = replace(hostile, cards=(replace(hostile.cards[0], title=f"{long_word} {HOSTILE_TITLE}"),))
    pages = {"sample": sent, "hostile": mail_kind.html_part(hostile)}
    shots = Path(os.environ.get("ACADEMICHUB_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    requests, dialogs = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            for name, page_html in pages.items():
                for scheme in ("light", "dark"):
                    # scripts on, so that one that ran would be seen (the mail has none)
                    context = browser.new_context(viewport={"width": 360, "height": 800}, color_scheme=scheme)
                    page = context.new_page()
                    page.on("request", lambda request: requests.append(request.url))
                    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                    page.set_content(page_html)
                    seen = page.evaluate(READ_PAGE)
                    page.screenshot(path=str(shots / f"mail-{name}-360-{scheme}.png"), full_page=True)
                    context.close()
                    where = f"{name}, {scheme}"
                    assert seen["width"] <= 360, f"{where}: {seen['width']}px wide at 360 px"
                    assert [e["text"] for e in seen["elements"] if e["right"] > 360] == [], where
                    assert len(seen["elements"]) >= 15, where  # the check saw the text
                    low = [(e["text"], round(e["ratio"], 2)) for e in seen["elements"] if e["ratio"] < 4.5]
                    assert low == [], f"{where}: text below 4.5:1 on its background: {low}"
                    page_luminance = seen["elements"][0]["page"]
                    assert (page_luminance < 0.05) if scheme == "dark" else (page_luminance > 0.8), where
        finally:
            browser.close()
    assert dialogs == []
    assert [r for r in requests if not r.startswith(("about:", "data:"))] == []  # nothing fetched from anywhere


def test_the_documented_example_is_a_valid_notify_yml(tmp_path):
    from pipeline.notify.stage import load_notify

    guide = (Path(__file__).resolve().parents[2] / "docs" / "how-to" / "notifications.md").read_text(encoding="utf-8")
    (tmp_path / "notify.yml").write_text(guide.split("```yaml\n", 1)[1].split("```", 1)[0], encoding="utf-8")
    config = load_notify(tmp_path / "notify.yml")
    assert [c.kind for c in config.channels] == ["email", "slack", "discord", "feishu", "dingtalk", "wecom", "telegram"]


def test_a_channel_of_a_kind_no_module_declares_fails_alone():
    from datetime import date

    from pipeline.config.notify import ChannelSettings
    from pipeline.layout import Layout
    from pipeline.notify.email import EmailChannel
    from pipeline.notify.stage import NotifyFile, run_notify

    folder = project()
    config = NotifyFile.model_construct(
        site_url="",
        site_name="",
        delivery=NotifyFile.model_fields["delivery"].default,
        channels=[
            ChannelSettings(id="pager", kind="pager"),
            EmailChannel(
                id="team-mail", kind="email", smtp_host="127.0.0.1", sender="radar@example.org", to_env="RADAR_TO"
            ),
        ],
    )
    report = run_notify(
        config,
        Layout(folder / "content", folder / "state"),
        date.fromisoformat(DAY),
        site_url=SITE,
        rules_dir=folder / "rules",
        dry_run=True,
    )
    assert [(r.channel, r.status) for r in report.results] == [("pager", "failed"), ("team-mail", "dry-run")]
    assert report.results[0].detail.startswith("no channel kind 'pager' (kinds: email, slack, discord")
