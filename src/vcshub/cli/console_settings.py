"""The settings of a console command: the group's ``--config`` file, the environment, and the
command's own options, with a configuration error told as a command-line error."""

from __future__ import annotations

import click

from vcshub.config import ConfigError, Settings, load_settings


def command_settings(ctx: click.Context, **overrides: object) -> Settings:
    try:
        return load_settings(ctx.obj.get("config"), **overrides)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc
