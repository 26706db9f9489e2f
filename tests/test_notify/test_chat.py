"""Chat channels of `academichub notify`: each kind posted to a receiver on 127.0.0.1 that checks the
platform's schema, limits and signature; a refused signature, a 429 and a 500 retried then reported
while the others go out; hostile titles arriving as text on every channel; size limits kept by
cutting with a link to the rest; nothing sent twice."""

from __future__ import annotations

import html
import json
import re
from dataclasses import replace
from datetime import date

import pytest
from chat_server import (
    DINGTALK_SECRET,
    FEISHU_SECRET,
    chat_channels,
    chat_server,
    check_dingtalk,
    check_discord,
    check_feishu,
    check_slack,
    check_telegram,
    check_wecom,
    dingtalk_sign,
    feishu_sign,
    telegram_visible,
)
from notify_helpers import (
    DAY,
    HOSTILE_PLACES,
    HOSTILE_SLUG,
    HOSTILE_TITLE,
    SITE,
    cli,
    hostile_message,
    project,
    write_notify,
)

from pipeline.notify import chat, dingtalk, discord, feishu, slack, telegram, wecom
from pipeline.notify.message import CardText, Message, Section, Theme
from pipeline.notify.stage import channel_settings

KINDS = ("slack", "discord", "feishu", "dingtalk", "wecom", "telegram")


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
        assert all(
            obj.get("emoji") is False
            for block in body["blocks"]
            for obj in [block.get("text")]
            if obj and obj["type"] == "plain_text"
        )
        for text in marked:  # mrkdwn: only the message's own words and links, escaped
            assert not re.search(r"<[!@#]", text) and "Bold" not in text and not re.search(r"@(channel|here)", text)
    elif kind == "discord":
        titles = [e["title"] for e in body["embeds"] if e.get("url") == f"{SITE}/papers/{HOSTILE_SLUG}.html"]
        assert titles and backslashed(titles[0], r"*_~`|<>#[]()@:") == "01. " + HOSTILE_TITLE, titles
        assert body["allowed_mentions"] == {"parse": []}
    elif kind == "feishu":
        (content,) = [
            el["text"]["content"]
            for el in body["card"]["elements"]
            if el.get("tag") == "div" and f"({SITE}/papers/{HOSTILE_SLUG}.html)" in el["text"]["content"]
        ]
        shown = content.split("[", 1)[1].rsplit("](", 1)[0]  # the link's text
        assert not re.search(r"[<>*_~`\[\]()@]", shown) and html.unescape(shown) == HOSTILE_TITLE, shown
    elif kind in ("dingtalk", "wecom"):
        text = body["markdown"]["text" if kind == "dingtalk" else "content"]
        (line,) = [t for t in text.splitlines() if f"({SITE}/papers/{HOSTILE_SLUG}.html)" in t]
        shown = line.split("[", 1)[1].rsplit("](", 1)[0]
        assert backslashed(shown, r"*_~`|<>#[]()&!+-") == HOSTILE_TITLE, shown
    elif kind == "telegram":
        shown, problems = telegram_visible(body["text"])
        assert problems == [] and HOSTILE_TITLE in shown
        assert (
            f'<a href="{SITE}/papers/{HOSTILE_SLUG}.html">{html.escape(HOSTILE_TITLE, quote=False)}</a>' in body["text"]
        )
    else:
        raise AssertionError(kind)


def backslashed(text: str, special: str) -> str:
    """What a Markdown renderer shows of ``text``, checking that each of ``special`` is escaped."""
    unescaped = re.sub(r"\\.", "", text)
    assert not [c for c in unescaped if c in special], f"unescaped markup in {text!r}"
    return re.sub(r"\\(.)", r"\1", text)


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
        server.replies["telegram"] = [
            (
                429,
                {},
                json.dumps(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 0",
                        "parameters": {"retry_after": 0},
                    }
                ),
            )
        ]
        server.replies["discord"] = [(500, {}, json.dumps({"message": "Internal Server Error", "code": 0}))] * 3
        server.replies["wecom"] = [(200, {}, json.dumps({"errcode": 45009, "errmsg": "api freq out of limit"}))]
        write_notify(folder, channels(server))
        done = cli("notify", "--date", DAY, cwd=folder, env=server.env())
        assert done.returncode == 1
        assert len(server.of("discord")) == 3 and len(server.of("slack")) == 2 and len(server.of("telegram")) == 2
        for kind in ("slack", "feishu", "dingtalk", "wecom", "telegram"):
            assert len(server.accepted(kind)) == 1, kind
        outcome = record(folder)
        assert outcome["lab-discord"]["status"] == "failed" and outcome["lab-discord"]["attempts"] == 3
        assert "HTTP 500" in outcome["lab-discord"]["error"] and "token-abc" not in outcome["lab-discord"]["error"]
        assert f"http://127.0.0.1:{server.port}" in outcome["lab-discord"]["error"]
        for channel in ("lab-slack", "lab-telegram", "lab-wecom"):
            assert outcome[channel]["status"] == "sent" and outcome[channel]["attempts"] == 2, channel
        assert outcome["lab-feishu"]["attempts"] == 1 and outcome["lab-dingtalk"]["status"] == "sent"
        assert "lab-discord" in done.stderr and "failed" in done.stderr
        # the next run sends the failed channel only
        again = cli("notify", "--date", DAY, cwd=folder, env=server.env())
        assert again.returncode == 0, again.stderr
        assert len(server.accepted("discord")) == 1 and len(server.accepted("slack")) == 1


def test_a_wrong_signature_or_token_is_refused_and_reported_without_retrying():
    folder = project()
    with chat_server() as server:
        env = {
            **server.env(),
            "TEST_FEISHU_SECRET": "not-the-secret",
            "TEST_DINGTALK_SECRET": "SECnot-the-secret",
            "TEST_TELEGRAM_TOKEN": "123456:wrong",
        }
        write_notify(folder, channels(server))
        done = cli("notify", "--date", DAY, cwd=folder, env=env)
    assert done.returncode == 1
    outcome = record(folder)
    assert outcome["lab-feishu"]["status"] == "failed" and "19021" in outcome["lab-feishu"]["error"]
    assert outcome["lab-dingtalk"]["status"] == "failed" and "310000" in outcome["lab-dingtalk"]["error"]
    assert outcome["lab-telegram"]["status"] == "failed" and "HTTP 401" in outcome["lab-telegram"]["error"]
    assert "wrong" not in outcome["lab-telegram"]["error"] and "123456" not in json.dumps(outcome)
    for channel in ("lab-feishu", "lab-dingtalk", "lab-telegram"):
        assert outcome[channel]["attempts"] == 1, channel
    for kind in ("feishu", "dingtalk", "telegram"):
        assert [r.problems for r in server.of(kind)] == [["sign" if kind != "telegram" else "token"]]
    assert {outcome[c]["status"] for c in ("lab-slack", "lab-discord", "lab-wecom")} == {"sent"}


def test_signatures_follow_the_platforms_algorithms():
    assert feishu.sign(1599360473, FEISHU_SECRET) == feishu_sign("1599360473", FEISHU_SECRET)
    assert dingtalk.sign(1599360473000, DINGTALK_SECRET) == dingtalk_sign("1599360473000", DINGTALK_SECRET)
    # the algorithms as the platforms publish them, worked by hand: Feishu signs nothing with the key
    # "timestamp\nsecret", DingTalk signs "timestamp\nsecret" with the key secret
    import base64
    import hashlib
    import hmac

    assert feishu.sign(1, "s") == base64.b64encode(hmac.new(b"1\ns", b"", hashlib.sha256).digest()).decode()
    assert dingtalk.sign(1, "s") == base64.b64encode(hmac.new(b"s", b"1\ns", hashlib.sha256).digest()).decode()
    assert feishu.sign(1, "s") != dingtalk.sign(1, "s")


def test_unsigned_bots_get_no_signature():
    folder = project()
    with chat_server() as server:
        unsigned = [{k: v for k, v in c.items() if k != "secret_env"} for c in channels(server, ("feishu", "dingtalk"))]
        write_notify(folder, unsigned)
        cli("notify", "--date", DAY, cwd=folder, env=server.env())
        feishu_body = server.of("feishu")[0].body
        dingtalk_query = server.of("dingtalk")[0].query
    assert "sign" not in feishu_body and "timestamp" not in feishu_body
    assert "sign" not in dingtalk_query and dingtalk_query["access_token"] == ["d1n6"]


def test_an_unset_secret_fails_that_channel_only():
    folder = project()
    with chat_server() as server:
        write_notify(
            folder,
            channels(server)
            + [
                {"id": "no-hook", "kind": "slack", "webhook_env": "TEST_UNSET"},
                {"id": "not-a-url", "kind": "wecom", "webhook_env": "TEST_NOT_URL"},
            ],
        )
        done = cli("notify", "--date", DAY, cwd=folder, env={**server.env(), "TEST_NOT_URL": "w3c0m-key"})
    assert done.returncode == 1
    outcome = record(folder)
    assert outcome["no-hook"]["status"] == "failed" and "$TEST_UNSET" in outcome["no-hook"]["error"]
    assert outcome["not-a-url"]["status"] == "failed" and "not an http(s) address" in outcome["not-a-url"]["error"]
    assert "w3c0m-key" not in json.dumps(outcome)
    assert {outcome[f"lab-{kind}"]["status"] for kind in KINDS} == {"sent"}


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
        "    kind: slack\n"
        "  - id: chat-four\n"
        "    kind: telegram\n"
        "    token_env: TG_TOKEN\n"
        "  - id: chat-five\n"
        "    kind: feishu\n"
        "    webhook_env: FEISHU_HOOK\n"
        "    token_env: TG_TOKEN\n"
        "  - id: chat-six\n"
        "    kind: telegram\n"
        "    token_env: TG_TOKEN\n"
        "    chat_id: my group\n"
        "    api_base: api.telegram.org\n",
        encoding="utf-8",
    )
    done = cli("notify", cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert any(
        line.startswith("notify.yml:5: channels[0].smtp_host: unknown key 'smtp_host' for kind 'slack'")
        for line in lines
    ), lines
    assert any(line.startswith("notify.yml:9: channels[1].webhook_env: String should match pattern") for line in lines)
    assert "notify.yml:10: channels[2]: this slack channel needs webhook_env" in lines, lines
    assert "notify.yml:12: channels[3]: this telegram channel needs chat_id" in lines, lines
    assert any(
        line.startswith("notify.yml:18: channels[4].token_env: unknown key 'token_env' for kind 'feishu'")
        for line in lines
    ), lines
    assert any(line.startswith("notify.yml:22: channels[5].chat_id: String should match pattern") for line in lines)
    assert "notify.yml:23: channels[5].api_base: expected an http:// or https:// address" in lines, lines


# ---- size limits --------------------------------------------------------------------------------


def long_message(cards: int = 50, long: bool = True) -> Message:
    """A day with far more than any chat platform carries in one message (``long``: long texts)."""
    tldr = (
        {"en": "A long summary that keeps going " * 12, "zh": "一个很长的摘要，一直写下去。" * 20}
        if long
        else {"en": "A short summary.", "zh": "简短的摘要。"}
    )
    shown = tuple(
        CardText(
            f"{n:02d}",
            f"Paper number {n} with a title of some length * _ < [x](y)",
            f"{SITE}/papers/p{n}.html",
            {"en": "Topic", "zh": "主题"},
            tldr,
        )
        for n in range(1, cards + 1)
    )
    themes = tuple(
        Theme(f"Theme {n}", "What the papers of this theme share. " * (8 if long else 1), ("01", "02"))
        for n in range(6 if long else 2)
    )
    sections = (Section("zh", "今日头条" * 10, themes), Section("en", "Headline of the day " * 5, themes))
    day = date(2026, 4, 27)
    return Message(
        day=day,
        channel="lab",
        languages=("zh", "en"),
        sections=sections,
        cards=shown,
        papers=cards + 7,
        updates=3,
        site=SITE,
        brief_url=f"{SITE}/briefs/2026-04-27.html",
        day_url=f"{SITE}/archive/2026/04/27.html",
        feeds_url=f"{SITE}/topics.html",
    )


def test_slack_keeps_block_kit_limits_and_links_to_the_rest():
    channel = channel_settings(id="lab", kind="slack", webhook_env="HOOK")
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


def signed(kind: str, body: dict) -> tuple[dict, dict]:
    """``body`` and the query as the channel would send them, signed by the receiver's secret."""
    import time

    stamp = int(time.time())
    if kind == "feishu":
        return {**body, "timestamp": str(stamp), "sign": feishu_sign(str(stamp), FEISHU_SECRET)}, {}
    if kind == "dingtalk":
        ms = str(stamp * 1000)
        return body, {"access_token": ["x"], "timestamp": [ms], "sign": [dingtalk_sign(ms, DINGTALK_SECRET)]}
    if kind == "wecom":
        return body, {"key": ["x"]}
    return body, {}


CHECKS = {
    "slack": lambda b, q: check_slack(b, q),
    "discord": lambda b, q: check_discord(b, q),
    "feishu": lambda b, q: check_feishu(b, q, FEISHU_SECRET),
    "dingtalk": lambda b, q: check_dingtalk(b, q, DINGTALK_SECRET),
    "wecom": lambda b, q: check_wecom(b, q),
    "telegram": lambda b, q: check_telegram(b, q, "/telegram/botT/sendMessage", "T"),
}
MODULES = {
    "slack": slack,
    "discord": discord,
    "feishu": feishu,
    "dingtalk": dingtalk,
    "wecom": wecom,
    "telegram": telegram,
}
SETTINGS = {
    "slack": {"webhook_env": "HOOK"},
    "discord": {"webhook_env": "HOOK"},
    "feishu": {"webhook_env": "HOOK"},
    "dingtalk": {"webhook_env": "HOOK"},
    "wecom": {"webhook_env": "HOOK"},
    "telegram": {"token_env": "TOKEN", "chat_id": "@academichub"},
}


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_keeps_its_platforms_limits_by_cutting_with_a_link_to_the_rest(kind):
    channel = channel_settings(id="lab", kind=kind, **SETTINGS[kind])
    post = MODULES[kind].render(long_message(), channel).payload
    problems, _ = CHECKS[kind](*signed(kind, post.body))
    assert problems == [], problems
    assert 0 <= post.cards < 50 and post.total == 50 and "more behind the link" in post.note
    sent = json.dumps(post.body, ensure_ascii=False)
    assert f"+{57 - post.cards} " in sent and f"{SITE}/briefs/2026-04-27.html" in sent
    assert f"{SITE}/papers/p{post.cards}.html" in sent and f"{SITE}/papers/p{post.cards + 1}.html" not in sent
    # a headline or a theme too long for any limit is cut, never refused
    huge = replace(long_message(2), sections=(Section("en", "word " * 5000, (Theme("t", "x " * 9000, ()),)),))
    problems, _ = CHECKS[kind](*signed(kind, MODULES[kind].render(huge, channel).payload.body))
    assert problems == [], problems


@pytest.mark.parametrize("kind", KINDS)
def test_a_small_day_is_sent_whole(kind):
    channel = channel_settings(id="lab", kind=kind, **SETTINGS[kind])
    post = MODULES[kind].render(long_message(2, long=False), channel).payload
    assert post.cards == 2 and "Theme 1" in json.dumps(post.body) and "more behind" not in post.note
    assert CHECKS[kind](*signed(kind, post.body))[0] == []


@pytest.mark.parametrize(
    "text,escaped",
    [
        ("<!here> & <@U1>", "&lt;!here&gt; &amp; &lt;@U1&gt;"),
        ("@channel @Here @everyone", "@\u2060channel @\u2060Here @\u2060everyone"),
    ],
)
def test_slack_mrkdwn_escaping(text, escaped):
    assert slack.mrkdwn(text) == escaped


# ---- every field hostile ------------------------------------------------------------------------


def interpreted(kind: str, body: dict) -> list[str]:
    """The texts of a body that its platform reads as markup (Slack: its plain_text ones, shown as written)."""
    if kind == "slack":
        return slack_texts(body)[0]
    if kind == "discord":
        return [body["content"]] + [e.get(k, "") for e in body["embeds"] for k in ("title", "description")]
    if kind == "feishu":
        return [el["text"]["content"] for el in body["card"]["elements"] if el.get("tag") == "div"]
    if kind in ("dingtalk", "wecom"):
        return [body["markdown"]["text" if kind == "dingtalk" else "content"]]
    return [body["text"]]


def shown(kind: str, escaped: str) -> str:
    """What the platform shows of one escaped text, failing where it would read markup in it."""
    if kind == "slack":
        return escaped
    if kind == "discord":
        return backslashed(escaped, r"*_~`|<>#[]()@:")
    if kind == "feishu":
        assert not re.search(r"[<>*_~`\[\]()@|\\$]", escaped), escaped  # only entities: & # digits ;
        return html.unescape(escaped)
    if kind in ("dingtalk", "wecom"):
        return backslashed(escaped, r"*_~`|<>#[]()&!+-")
    text, problems = telegram_visible(escaped)
    assert problems == [] and "<" not in escaped, escaped
    return text


ESCAPES = {
    "slack": lambda t: t,
    "discord": discord.escape,
    "feishu": feishu.escape,
    "dingtalk": chat.md_escape,
    "wecom": chat.md_escape,
    "telegram": telegram.escape,
}


@pytest.mark.parametrize("kind", KINDS)
def test_hostile_text_in_every_field_arrives_as_text(kind):
    channel = channel_settings(id="lab", kind=kind, **SETTINGS[kind])
    post = MODULES[kind].render(hostile_message(), channel).payload
    assert CHECKS[kind](*signed(kind, post.body))[0] == []  # the platform takes it
    escaped = ESCAPES[kind](HOSTILE_TITLE)
    assert shown(kind, escaped) == HOSTILE_TITLE  # shown as its characters, nothing in it read as markup
    texts = interpreted(kind, post.body)
    assert sum(t.count(escaped) for t in texts) == HOSTILE_PLACES, texts
    # nothing of it anywhere else, escaped or not (Slack: its mrkdwn texts carry none of it)
    rest = " ".join(t.replace(escaped, "") for t in texts + (slack_texts(post.body)[1] if kind == "slack" else []))
    assert not [w for w in ("Bold", "evil", "alert", "U024BE7LH", "user_id") if w in rest], rest


@pytest.mark.parametrize(
    "language,words,absent",
    [
        ("zh", ("每日简报", "篇见网站"), ("Daily brief", "more on the site")),
        ("en", ("Daily brief", "more on the site"), ("每日简报", "篇见网站")),
        ("both", ("每日简报 · Daily brief", "篇见网站 · more on the site"), ()),
    ],
)
def test_each_channel_speaks_its_language(language, words, absent):
    folder = project()
    with chat_server() as server:
        write_notify(
            folder,
            channels(server, language=language, cards=2)
            + [
                {
                    "id": "lab-mail",
                    "kind": "email",
                    "smtp_host": "127.0.0.1",
                    "sender": "radar@example.org",
                    "to_env": "RADAR_TO",
                    "language": language,
                    "cards": 2,
                }
            ],
        )
        done = cli("notify", "--date", DAY, "--dry-run", cwd=folder, env=server.env())
    assert done.returncode == 0, done.stderr
    parts = re.split(r"^===== (\S+) \(\w+\) =====$", done.stdout, flags=re.M)[1:]
    previews = dict(zip(parts[::2], parts[1::2]))
    assert set(previews) == {f"lab-{kind}" for kind in KINDS} | {"lab-mail"}
    for channel, preview in previews.items():
        text = preview if channel == "lab-mail" else json.dumps(json.loads(preview), ensure_ascii=False)
        assert all(w in text for w in words) and not any(w in text for w in absent), (channel, text[:400])


def test_telegram_counts_characters_beyond_the_bmp_twice():
    """Mathematical letters and emoji are two UTF-16 code units each, as the Bot API counts them."""
    channel = channel_settings(id="lab", kind="telegram", **SETTINGS["telegram"])
    wide = replace(
        long_message(),
        cards=tuple(replace(c, title="𝒪(𝑛) 𝔽₂ 🧪 " * 20, tldr={"en": "𝒪" * 590}) for c in long_message().cards),
    )
    post = telegram.render(wide, channel).payload
    assert CHECKS["telegram"](*signed("telegram", post.body))[0] == []
    shown, _ = telegram_visible(post.body["text"])
    assert len(shown) < 4096 // 2 + 400 < len(shown.encode("utf-16-le")) // 2 <= 4096
