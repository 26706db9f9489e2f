"""Every source kind is complete: a kind is one module that declares its settings and its fetcher,
and it has its cases in the fault matrix and its sections in the docs (docs/developer/extending.md,
"Adding a source kind").  Nothing here lists the kinds: they are read from the package."""

from __future__ import annotations

import importlib.util
import inspect
import typing
from pathlib import Path

import pytest
from adversarial import test_fault_matrix as matrix

from pipeline.config.sources import SourceSettings
from pipeline.fetch import sources

ROOT = Path(__file__).resolve().parents[1]
KIND_MODULES = sorted(
    p.stem
    for p in (ROOT / "pipeline/fetch/sources").glob("*.py")
    if p.stem != "__init__" and "\ndef fetch(" in p.read_text(encoding="utf-8")
)


def reference_hook():
    spec = importlib.util.spec_from_file_location("docs_reference_hook", ROOT / "docs" / "hooks" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_module_with_a_fetcher_is_a_registered_kind():
    assert KIND_MODULES == sorted(m.__name__.rsplit(".", 1)[-1] for m in sources.MODULES)
    assert len(sources.KINDS) == len(sources.MODULES) >= 7


@pytest.mark.parametrize("name", list(sources.KINDS))
def test_a_kind_declares_its_settings_and_its_fetcher(name):
    kind = sources.KINDS[name]
    settings = kind.settings
    assert issubclass(settings, SourceSettings) and settings is not SourceSettings
    assert typing.get_args(settings.model_fields["kind"].annotation) == (name,)
    assert settings.model_config["extra"] == "forbid"
    assert settings.__doc__ and settings.__doc__ != SourceSettings.__doc__, "its docstring is its row in the guide"
    assert all(key in settings.model_fields for key in settings.needs)
    module = inspect.getmodule(kind.fetch)
    assert callable(module.parse) and inspect.getmodule(settings) is module, (
        "settings, parser and fetcher in one module"
    )
    said = reference_hook().described(settings)
    assert [key for key in settings.model_fields if not said.get(key)] == [], "every key has its comment"
    if "base_url" in settings.model_fields:
        assert settings.endpoint.startswith("https://"), "an API kind has its public address"


@pytest.mark.parametrize("name", list(sources.KINDS))
def test_a_kind_refuses_the_keys_of_the_others(name):
    settings = sources.KINDS[name].settings
    others = {key for kind in sources.KINDS.values() for key in kind.settings.model_fields} - set(settings.model_fields)
    assert others, "some kind has a key this one has not"
    with pytest.raises(Exception, match="Extra inputs are not permitted"):
        sources.source_settings(
            id="x", kind=name, label="X", **{key: "x" for key in others}, **{key: "x" for key in settings.needs[:1]}
        )


@pytest.mark.parametrize("name", list(sources.KINDS))
def test_a_kind_has_its_fault_matrix_cases(name):
    kind = matrix.KINDS[name]
    assert kind.fields, "the wrong types of every field it reads"
    assert name in matrix.OLD_DATES
    assert any(case[0] == name for case in matrix.ERROR_PAGES)
    settings = sources.source_settings(id="attack", label="Faults", **kind.source("http://127.0.0.1:9/attack"))
    assert settings.kind == name
    pages = "page_size" in type(settings).model_fields or name in ("arxiv_oai", "biorxiv")
    assert (name in matrix.PAGED) == pages, "a kind that pages is in the paging cases"


@pytest.mark.parametrize("name", list(sources.KINDS))
def test_a_kind_has_its_sections_in_the_docs(name):
    hook = reference_hook()
    settings = sources.KINDS[name].settings
    assert f"\n### {settings.__name__}\n" in hook.settings("sources.yml"), "its table in the settings reference"
    guide = hook.MARKER.sub(
        lambda m: hook.GENERATORS[m.group(1)](*filter(None, [m.group(2)])),
        (ROOT / "docs/how-to/sources.md").read_text(encoding="utf-8"),
    )
    assert f"[`{name}`](../reference/settings.md#{settings.__name__.lower()})" in guide, "its row in the guide"


# ------------------------------------------------------------------------------ channel kinds

CHANNEL_MODULES = sorted(
    p.stem for p in (ROOT / "pipeline/notify").glob("*.py") if "\ndef deliver(" in p.read_text(encoding="utf-8")
)


def test_every_module_that_delivers_is_a_registered_channel_kind():
    from pipeline.notify import stage

    assert CHANNEL_MODULES == sorted(m.__name__.rsplit(".", 1)[-1] for m in stage.MODULES)
    assert len(stage.KINDS) == len(stage.MODULES) >= 7


@pytest.mark.parametrize("name", ["email", "slack", "discord", "feishu", "dingtalk", "wecom", "telegram"])
def test_a_channel_kind_declares_its_settings_is_tested_and_documented(name):
    from test_notify.test_chat import KINDS as RECEIVED

    from pipeline.config.notify import ChannelSettings
    from pipeline.notify import stage

    module = stage.KINDS[name]
    settings = stage.settings_of(module)
    assert issubclass(settings, ChannelSettings) and typing.get_args(settings.model_fields["kind"].annotation) == (
        name,
    )
    assert typing.get_type_hints(module.deliver)["channel"] is settings, "render and deliver take the same settings"
    assert settings.model_config["extra"] == "forbid" and settings.__doc__ != ChannelSettings.__doc__
    hook = reference_hook()
    said = hook.described(settings)
    assert [key for key in settings.model_fields if not said.get(key)] == [], "every key has its comment"
    assert f"\n### {settings.__name__}\n" in hook.settings("notify.yml"), "its table in the settings reference"
    assert f"kind: {name}\n" in (ROOT / "docs/how-to/notifications.md").read_text(encoding="utf-8")
    # delivered to a receiver on 127.0.0.1 that checks the platform's schema (email: the SMTP tests)
    assert name in RECEIVED or name == "email"
