"""The ``~/.rhoderc`` file of ``vcshub-api``: API hosts and keys, one INI section per instance.

The layout is the one RhodeCode's tools read, so an existing file keeps working::

    [default]
    instance = enterprise-1

    [instance:enterprise-1]
    api_host = http://127.0.0.1:10000
    api_key = <auth token>

    [instance:default]
    api_host = http://127.0.0.1:5000
    api_key = <auth token>

When no instance is named on the command line, the ``[default]`` pointer decides; without
a pointer the instance called ``default`` is used. Keys this module does not know (RhodeCode's
``repo_dir`` for example) are kept when the file is rewritten; comments are not.
"""

from __future__ import annotations

import configparser
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

DEFAULT_CONFIG_FILE = "~/.rhoderc"
DEFAULT_INSTANCE = "default"
SECTION_PREFIX = "instance:"
POINTER_SECTION = "default"
POINTER_KEY = "instance"
HOST_KEY = "api_host"
KEY_KEY = "api_key"
FILE_MODE = 0o600


class ConfigFileError(Exception):
    """The configuration file cannot be read, parsed or written."""


@dataclass(frozen=True)
class InstanceSettings:
    """What one ``[instance:NAME]`` section holds; either value may be missing."""

    name: str
    api_host: str | None = None
    api_key: str | None = None


def default_config_path() -> Path:
    """``~/.rhoderc`` of the current user."""
    return Path(DEFAULT_CONFIG_FILE).expanduser()


def section_name(instance: str) -> str:
    """The INI section that holds ``instance``."""
    return f"{SECTION_PREFIX}{instance}"


def _new_parser() -> configparser.ConfigParser:
    # No interpolation: tokens and URLs may contain '%', which must stay literal.
    return configparser.ConfigParser(interpolation=None)


def read_config(path: Path) -> configparser.ConfigParser:
    """Parse the file; a missing file reads as an empty configuration."""
    parser = _new_parser()
    try:
        with path.open(encoding="utf-8") as handle:
            parser.read_file(handle)
    except FileNotFoundError:
        pass
    except (OSError, UnicodeDecodeError, configparser.Error) as exc:
        raise ConfigFileError(f"cannot read {path}: {one_line(exc)}") from exc
    return parser


def default_instance_name(parser: configparser.ConfigParser) -> str:
    """The instance used when none is named: the ``[default]`` pointer, else ``default``."""
    pointer = parser.get(POINTER_SECTION, POINTER_KEY, fallback="").strip()
    return pointer or DEFAULT_INSTANCE


def instance_settings(parser: configparser.ConfigParser, name: str) -> InstanceSettings | None:
    """The values stored for ``name``, or None when the file has no section for it."""
    section = section_name(name)
    if not parser.has_section(section):
        return None
    return InstanceSettings(
        name=name,
        api_host=_non_empty(parser.get(section, HOST_KEY, fallback=None)),
        api_key=_non_empty(parser.get(section, KEY_KEY, fallback=None)),
    )


def store_instance(parser: configparser.ConfigParser, settings: InstanceSettings) -> None:
    """Put ``settings`` into ``parser``, making it the default if there is no default yet."""
    section = section_name(settings.name)
    if not parser.has_section(section):
        parser.add_section(section)
    parser.set(section, HOST_KEY, settings.api_host or "")
    parser.set(section, KEY_KEY, settings.api_key or "")
    # The first instance ever saved must work without --instance-name, whatever it is called.
    has_default = parser.has_option(POINTER_SECTION, POINTER_KEY) or parser.has_section(
        section_name(DEFAULT_INSTANCE)
    )
    if not has_default:
        if not parser.has_section(POINTER_SECTION):
            parser.add_section(POINTER_SECTION)
        parser.set(POINTER_SECTION, POINTER_KEY, settings.name)


def write_config(parser: configparser.ConfigParser, path: Path) -> Path:
    """Write the file atomically with mode 0600 (it holds API keys); returns the path written.

    A symlinked file (dotfiles kept in a repository) is written through, not replaced.
    """
    target = path.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        # mkstemp creates the file 0600 from the start, so the keys are never readable by others,
        # not even for the moment before the rename.
        fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                parser.write(handle)
            os.chmod(temp_name, FILE_MODE)
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigFileError(f"cannot write {path}: {one_line(exc)}") from exc
    return target


def _non_empty(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
