"""Settings: built-in defaults ◀ TOML file ◀ VCSHUB_* environment ◀ explicit overrides."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vcshub.config import ConfigError, Settings, load_settings


def write(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


def test_defaults():
    settings = load_settings(environ={})
    assert settings == Settings()
    assert settings.data_dir == Path("vcshub-data")
    assert (settings.host, settings.port) == ("127.0.0.1", 5000)
    assert settings.workers == os.cpu_count()  # one worker process per core
    assert settings.max_request_bytes == 10 * 1024 * 1024
    assert settings.forwarded_allow_ips == ("127.0.0.1", "::1")
    assert settings.database_url == "" and settings.base_url == ""
    assert isinstance(settings.api_access_controllers_whitelist, tuple)
    assert settings.lock_ret_code == 423
    assert settings.config_file is None


def test_data_dir_layout(tmp_path):
    settings = load_settings(environ={}, data_dir=str(tmp_path))
    assert settings.repos_dir == tmp_path / "repos"
    assert settings.gists_dir == tmp_path / "repos" / ".rc_gist_store"
    assert settings.archive_cache_dir == tmp_path / "archive-cache"
    assert settings.initial_admin_file == tmp_path / "initial-admin.txt"
    assert settings.secret_key_file == tmp_path / "secret-key"
    assert settings.effective_database_url == f"sqlite:///{(tmp_path / 'vcshub.sqlite').resolve()}"
    other = load_settings(environ={}, database_url="postgresql+psycopg://u@h/db")
    assert other.effective_database_url == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize("section", ["", "[vcshub]\n"])
def test_toml_file(tmp_path, section):
    config = write(tmp_path / "vcshub.toml", section + (
        'data_dir = "/srv/vcshub"\nport = 8080\nworkers = 4\nforwarded_allow_ips = ["10.0.0.1"]\n'
        'api_access_controllers_whitelist = ["ChangesetController:changeset_raw", "Feed:*"]\n'
    ))
    settings = load_settings(config, environ={})
    assert settings.data_dir == Path("/srv/vcshub")
    assert (settings.port, settings.workers) == (8080, 4)
    assert settings.forwarded_allow_ips == ("10.0.0.1",)
    assert settings.api_access_controllers_whitelist == (
        "ChangesetController:changeset_raw", "Feed:*")
    assert settings.config_file == config


def test_config_file_from_the_environment(tmp_path):
    config = write(tmp_path / "c.toml", "port = 6000\n")
    settings = load_settings(environ={"VCSHUB_CONFIG": str(config)})
    assert settings.port == 6000 and settings.config_file == config


def test_precedence(tmp_path):
    config = write(tmp_path / "c.toml", "port = 6000\nhost = '0.0.0.0'\nworkers = 2\n")
    environ = {"VCSHUB_PORT": "7000", "VCSHUB_WORKERS": "3"}
    settings = load_settings(config, environ=environ, workers=9, host=None)
    assert settings.host == "0.0.0.0"  # file (a None override is no override)
    assert settings.port == 7000  # environment beats file
    assert settings.workers == 9  # explicit override beats environment


def test_environment_values_are_typed():
    settings = load_settings(environ={
        "VCSHUB_DATA_DIR": "~/vcs",
        "VCSHUB_MAX_REQUEST_BYTES": "1024",
        "VCSHUB_FORWARDED_ALLOW_IPS": "",
        "VCSHUB_EXTRA_FIELDS_ENABLED": "no",
        "VCSHUB_API_ACCESS_CONTROLLERS_WHITELIST": "A:b, C:* ,",
        "VCSHUB_LOG_LEVEL": "debug",
    })
    assert settings.data_dir == Path("~/vcs").expanduser()
    assert settings.max_request_bytes == 1024
    assert settings.extra_fields_enabled is False
    assert settings.api_access_controllers_whitelist == ("A:b", "C:*")
    assert settings.log_level == "debug"


@pytest.mark.parametrize("text, expected",
                         [("1", True), ("true", True), ("YES", True), ("on", True),
                          ("0", False), ("false", False), ("off", False), ("nope", False)])
def test_boolean_words(text, expected):
    settings = load_settings(environ={"VCSHUB_EXTRA_FIELDS_ENABLED": text})
    assert settings.extra_fields_enabled is expected


def test_empty_environment_values_are_ignored():
    assert load_settings(environ={"VCSHUB_PORT": "", "VCSHUB_HOST": ""}) == Settings()


def test_other_variables_are_ignored():
    assert load_settings(environ={"VCSHUB_NOT_A_SETTING": "1", "PORT": "1"}) == Settings()


def test_unknown_key_in_file_is_refused(tmp_path):
    config = write(tmp_path / "c.toml", "prot = 80\n")
    with pytest.raises(ConfigError, match="unknown setting 'prot'"):
        load_settings(config, environ={})


@pytest.mark.parametrize("environ", [{"VCSHUB_PORT": "eighty"}, {"VCSHUB_WORKERS": "1.5"},
                                     {"VCSHUB_MAX_REQUEST_BYTES": "10MB"}])
def test_bad_numbers_are_refused(environ):
    with pytest.raises(ConfigError, match="cannot use"):
        load_settings(environ=environ)


@pytest.mark.parametrize("value", ["80.5", "true", '"80x"'])
def test_bad_numbers_in_the_file_are_refused(tmp_path, value):
    config = write(tmp_path / "c.toml", f"port = {value}\n")
    with pytest.raises(ConfigError, match="setting 'port': cannot use"):
        load_settings(config, environ={})


def test_numbers_may_be_written_as_text_in_the_file(tmp_path):
    assert load_settings(write(tmp_path / "c.toml", 'port = "8081"\n'), environ={}).port == 8081


def test_unreadable_files_are_refused(tmp_path):
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(tmp_path / "missing.toml", environ={})
    broken = write(tmp_path / "broken.toml", "port = = 1\n")
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_settings(broken, environ={})


def test_settings_are_immutable():
    settings = load_settings(environ={})
    with pytest.raises(AttributeError):
        settings.port = 1  # type: ignore[misc]
