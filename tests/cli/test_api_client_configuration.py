"""``vcshub-api`` configuration: ~/.rhoderc instances, --save-config, environment, flags."""

from __future__ import annotations

import configparser
import stat
from pathlib import Path

from tests.cli.api_client_runs import (
    assert_one_line_error,
    closed_port_url,
    envelope_of,
    flags,
    result_of,
    run_api,
)


def read_ini(path: Path) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(path, encoding="utf-8")
    return parser


# --------------------------------------------------------------------------- configuration


def test_save_config_writes_private_ini_and_later_calls_need_no_flags(live_server, home):
    proc = run_api(
        home, f"--apikey={live_server.admin_token}", f"--apihost={live_server.api_url}",
        "--save-config",
    )
    assert proc.returncode == 0, proc.stderr
    rc_file = home / ".rhoderc"
    assert stat.S_IMODE(rc_file.stat().st_mode) == 0o600
    ini = read_ini(rc_file)
    assert ini.get("instance:default", "api_host") == live_server.url
    assert ini.get("instance:default", "api_key") == live_server.admin_token

    later = run_api(home, "--format=json", "get_user")
    assert result_of(later)["username"] == live_server.admin_username


def test_save_config_with_a_method_also_calls_it(live_server, home):
    proc = run_api(home, *flags(live_server), "--save-config", "--format=json", "get_user")
    assert result_of(proc)["username"] == live_server.admin_username
    assert (home / ".rhoderc").exists()


def test_first_named_instance_becomes_the_default(live_server, home):
    run_api(home, *flags(live_server), "--instance-name=prod", "--save-config").check_returncode()
    ini = read_ini(home / ".rhoderc")
    assert ini.get("default", "instance") == "prod"
    assert ini.get("instance:prod", "api_key") == live_server.admin_token
    assert result_of(run_api(home, "--format=json", "get_user"))["admin"] is True


def test_instance_name_selects_another_instance(live_server, home):
    bad = ["--apikey=not-a-valid-token", f"--apihost={live_server.url}"]
    run_api(home, *bad, "--save-config").check_returncode()
    run_api(home, *flags(live_server), "--instance-name=second", "--save-config").check_returncode()

    default = run_api(home, "--format=json", "get_user")
    assert default.returncode == 1
    assert envelope_of(default)["error"] == "Invalid API KEY"

    second = run_api(home, "--instance-name=second", "--format=json", "get_user")
    assert result_of(second)["username"] == live_server.admin_username


def test_custom_config_file(live_server, home, tmp_path):
    rc_file = tmp_path / "elsewhere.ini"
    run_api(home, *flags(live_server), f"--config={rc_file}", "--save-config").check_returncode()
    assert stat.S_IMODE(rc_file.stat().st_mode) == 0o600
    assert not (home / ".rhoderc").exists()
    proc = run_api(home, "-c", str(rc_file), "--format=json", "get_user")
    assert result_of(proc)["username"] == live_server.admin_username


def test_rhodecode_style_file_written_by_hand(live_server, home):
    (home / ".rhoderc").write_text(
        "[instance:enterprise-1]\n"
        f"api_host = {live_server.url}/\n"
        f"api_key = {live_server.admin_token}\n"
        "repo_dir = /srv/repos\n"
    )
    proc = run_api(home, "--instance-name=enterprise-1", "--format=json", "get_user")
    assert result_of(proc)["username"] == live_server.admin_username


def test_environment_overrides_config_and_flags_override_environment(live_server, home):
    run_api(
        home, "--apikey=not-a-valid-token", f"--apihost={closed_port_url()}", "--save-config"
    ).check_returncode()

    from_env = run_api(
        home, "--format=json", "get_user",
        VCSHUB_API_HOST=live_server.url, VCSHUB_API_KEY=live_server.admin_token,
    )
    assert result_of(from_env)["username"] == live_server.admin_username

    only_key_from_env = run_api(
        home, "--format=json", "get_user", VCSHUB_API_KEY=live_server.admin_token
    )
    assert_one_line_error(only_key_from_env, 3)  # the host still comes from the file

    flags_win = run_api(
        home, *flags(live_server), "--format=json", "get_user",
        VCSHUB_API_HOST=closed_port_url(), VCSHUB_API_KEY="not-a-valid-token",
    )
    assert result_of(flags_win)["username"] == live_server.admin_username
