"""Delivering the daily brief where readers are: e-mail and chat channels (``notify.yml``).

``message`` composes the day's message from the daily brief and its cards, one module per channel
kind renders and sends it in that channel's format, ``record`` keeps what was sent per channel and
day in ``state/``, and ``stage`` runs them all.  It may import ``config``, ``archive`` and
``brief`` (the daily brief it delivers)."""

from .stage import ChannelResult, NotifyReport, run_notify

__all__ = ["ChannelResult", "NotifyReport", "run_notify"]
