"""Chat channels of `academichub notify`: each kind posted to a receiver on 127.0.0.1 that checks the
platform's schema, limits and signature; a refused signature, a 429 and a 500 retried then reported
while the others go out; hostile titles arriving as text on every channel; size limits kept by
cutting with a link to the rest; nothing sent twice."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import date

import pytest

from chat_server import chat_channels, chat_server, check_slack
from notify_helpers import DAY, HOSTILE_SLUG, HOSTILE_TITLE, SITE, cli, project, write_notify
from pipeline.config.notify import Channel
from pipeline.notify import slack
from pipeline.notify.message import CardText, Message, Section, Theme

KINDS = ("slack",)


def channels(server, kinds=KINDS, **extra) -> list[dict]:
    return [c for c in chat_channels(server, **extra) if c["kind"] in kinds]


def record(folder) -> dict:
    return json.loads((folder / "state" / "notify.json").read_text(encoding="utf-8"))["days"][DAY]


# ---- what each platform shows of a message ------------------------------------------------------

def slack_texts(body) -> tuple[list[str], list[str]]:
    """The plain_text and the mrkdwn texts of a Block Kit message."""
    plain, marked = [], [body["text"]]
    for block in body["blocks"]:
        for obj in [block.get("text"), block.get("accessory", {}).get("text"), *block.get("elements", [])]:
            if obj:
                (plain if obj["type"] == "plain_text" else marked).append(obj["text"])
    return plain, marked


def shows_title_as_text(kind: str, body) -> None:
    """The hostile title is on the channel as its characters, and nothing of it is markup there."""
    if kind == "slack":
        plain, marked = slack_texts(body)
        assert any(HOSTILE_TITLE in text for text in plain)
        assert all(obj.get("emoji") is False for block in body["blocks"] for obj in [block.get("text")]
                   if obj and obj["type"] == "plain_text")
        for text in marked:  # mrkdwn: only the message's own words and links, escaped
            assert not re.search(r"<[!@#]", text) and "Bold" not in text and not re.search(r"@(channel|here)", text)
    else:
        raise AssertionError(kind)


# ---- end to end through the CLI -----------------------------------------------------------------

def test_every_kind_arrives_in_its_schema_once_with_hostile_titles_as_text():
    folder = project()
    with chat_server() as server:
        write_notify(folder, channels(server))
        first = cli("notify", "--date", DAY, cwd=folder, env=server.env())
        assert first.returncode == 0, first.stdout + first.stderr
        for kind in KINDS:
            (got,) = server.of(kind)
            assert got.problems == [] and got.answered in (200, 204), (kind, got.problems)
            shows_title_as_text(kind, got.body)
            assert f"{SITE}/papers/{HOSTILE_SLUG}.html" in json.dumps(got.body), kind
        again = cli("notify", "--date", DAY, cwd=folder, env=server.env())
        assert again.returncode == 0 and again.stderr.count("already-sent") == len(KINDS), again.stderr
        assert len(server.received) == len(KINDS)  # a re-run sends nothing again
    outcome = record(folder)
    assert {c: o["status"] for c, o in outcome.items()} == {c["id"]: "sent" for c in channels(server)}
    # the secrets never reach the record or the output
    assert "XXXX" not in json.dumps(outcome) and "XXXX" not in first.stdout + first.stderr


def test_a_429_is_retried_a_500_reported_and_the_others_go_out():
    folder = project()
    with chat_server() as server:
        server.replies["slack"] = [(429, {"Retry-After": "0"}, "rate_limited")]
        extra = [{"id": "slack-down", "kind": "slack", "webhook_env": "TEST_SLACK_DOWN"}]
        write_notify(folder, channels(server) + extra)
        env = {**server.env(), "TEST_SLACK_DOWN": server.url("down", "/services/T1/B1/YYYY")}
        server.replies["down"] = [(500, {}, "rollup_error")] * 3
        done = cli("notify", "--date", DAY, cwd=folder, env=env)
    assert done.returncode == 1
    outcome = record(folder)
    assert outcome["lab-slack"]["status"] == "sent" and outcome["lab-slack"]["attempts"] == 2
    assert outcome["slack-down"]["status"] == "failed" and outcome["slack-down"]["attempts"] == 3
    assert "HTTP 500" in outcome["slack-down"]["error"] and "YYYY" not in outcome["slack-down"]["error"]
    assert f"http://127.0.0.1:{server.port}" in outcome["slack-down"]["error"]
    assert len(server.of("down")) == 3


def test_an_unset_secret_fails_that_channel_only():
    folder = project()
    with chat_server() as server:
        write_notify(folder, channels(server) + [{"id": "no-hook", "kind": "slack", "webhook_env": "TEST_UNSET"}])
        done = cli("notify", "--date", DAY, cwd=folder, env=server.env())
    assert done.returncode == 1
    outcome = record(folder)
    assert outcome["no-hook"]["status"] == "failed" and "$TEST_UNSET" in outcome["no-hook"]["error"]
    assert outcome["lab-slack"]["status"] == "sent"


def test_dry_run_prints_each_body_and_sends_nothing():
    folder = project()
    with chat_server() as server:
        write_notify(folder, channels(server, language="en", cards=2))
        done = cli("notify", "--date", DAY, "--dry-run", cwd=folder, env=server.env())
    assert done.returncode == 0, done.stderr
    assert server.received == [] and not (folder / "state" / "notify.json").exists()
    for kind in KINDS:
        assert f"===== lab-{kind} ({kind}) =====" in done.stdout


def test_chat_settings_are_checked(tmp_path):
    (tmp_path / "notify.yml").write_text(
        "site_url: https://radar.example.org\n"
        "channels:\n"
        "  - id: chat\n"
        "    kind: slack\n"
        "    smtp_host: smtp.example.org\n"
        "    webhook_env: SLACK_HOOK\n"
        "  - id: chat-two\n"
        "    kind: slack\n"
        "    webhook_env: https://hooks.slack.com/services/T0/B0/secret\n"
        "  - id: chat-three\n"
        "    kind: slack\n", encoding="utf-8")
    done = cli("notify", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(line.startswith("notify.yml:3: channels[0]: smtp_host: not a setting of slack channels")
               for line in lines), lines
    assert any(line.startswith("notify.yml:9: channels[1].webhook_env: String should match pattern") for line in lines)
    assert "notify.yml:10: channels[2]: this slack channel needs webhook_env" in lines, lines


# ---- size limits --------------------------------------------------------------------------------

def long_message(cards: int = 50) -> Message:
    """A day with far more than any chat platform carries in one message."""
    tldr = {"en": "A long summary that keeps going " * 12, "zh": "一个很长的摘要，一直写下去。" * 20}
    shown = tuple(CardText(f"{n:02d}", f"Paper number {n} with a title of some length * _ < [x](y)",
                           f"{SITE}/papers/p{n}.html", {"en": "Topic", "zh": "主题"}, tldr) for n in range(1, cards + 1))
    themes = tuple(Theme(f"Theme {n}", "What the papers of this theme share. " * 8, ("01", "02")) for n in range(6))
    sections = (Section("zh", "今日头条" * 10, themes), Section("en", "Headline of the day " * 5, themes))
    day = date(2026, 4, 27)
    return Message(day=day, channel="lab", languages=("zh", "en"), sections=sections, cards=shown, papers=cards + 7,
                   updates=3, site=SITE, brief_url=f"{SITE}/briefs/2026-04-27.html",
                   day_url=f"{SITE}/archive/2026/04/27.html", feeds_url=f"{SITE}/topics.html")


def test_slack_keeps_block_kit_limits_and_links_to_the_rest():
    channel = Channel(id="lab", kind="slack", webhook_env="HOOK")
    post = slack.render(long_message(), channel).payload
    problems, _ = check_slack(post.body, {})
    assert problems == []
    assert 0 < post.cards < 50 and len(post.body["blocks"]) <= 50
    plain, marked = slack_texts(post.body)
    assert any(f"+{57 - post.cards} " in text and f"{SITE}/briefs/2026-04-27.html" in text for text in marked)
    # a headline too long for a section is cut, never refused
    huge = long_message(2)
    huge = replace(huge, sections=(Section("en", "word " * 2000, ()),))
    assert check_slack(slack.render(huge, channel).payload.body, {})[0] == []


@pytest.mark.parametrize("text,escaped", [
    ("<!here> & <@U1>", "&lt;!here&gt; &amp; &lt;@U1&gt;"),
    ("@channel @Here @everyone", "@\u2060channel @\u2060Here @\u2060everyone"),
])
def test_slack_mrkdwn_escaping(text, escaped):
    assert slack.mrkdwn(text) == escaped
