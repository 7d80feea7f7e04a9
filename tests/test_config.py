"""Settings: defaults file, user file, CLI overrides, validation errors with codes."""

from __future__ import annotations

import pickle
import tomllib

import pytest

from dyads.config import Settings, default_config_text, load_config, parse_override, settings_table
from dyads.errors import ConfigError


def test_defaults_file_matches_the_typed_settings():
    from_file = load_config()
    assert from_file == Settings()


def test_every_setting_is_in_the_default_file_with_a_comment():
    text = default_config_text()
    data = tomllib.loads(text)
    lines = text.splitlines()
    for key, _, default, description in settings_table():
        section, name = key.split(".")
        assert data[section][name] == default, key
        assert description, f"{key} has no description"
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name} ="))
        assert lines[index - 1].startswith("#"), f"{key} has no comment above it"


def test_user_file_and_overrides_apply_in_order(tmp_path):
    path = tmp_path / "my.toml"
    path.write_text("[nlp]\nbatch_size = 8\nn_process = 2\n", encoding="utf-8")
    settings = load_config(path, overrides={"nlp.n_process": 3})
    assert settings.nlp.batch_size == 8
    assert settings.nlp.n_process == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("nlp.n_process=2", ("nlp.n_process", 2)),
        ("events.keep_statements=false", ("events.keep_statements", False)),
        ("actors.actor_file=my actors.yaml", ("actors.actor_file", "my actors.yaml")),
        ('pipeline.stages=["dyads_actors"]', ("pipeline.stages", ["dyads_actors"])),
    ],
)
def test_parse_override_reads_types(text, expected):
    assert parse_override(text) == expected


@pytest.mark.parametrize(
    ("overrides", "code"),
    [({"nlp.nope": 1}, "E002"), ({"nlp.batch_size": 0}, "E001"), ({"nlp.n_process": "many"}, "E001")],
)
def test_bad_overrides_raise_coded_errors(overrides, code):
    with pytest.raises(ConfigError) as info:
        load_config(overrides=overrides)
    assert info.value.code == code
    assert "Fix:" in str(info.value)


def test_bad_user_file_is_reported(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[nlp\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert info.value.code == "E005"


def test_settings_pickle_and_json_round_trip():
    settings = load_config(overrides={"nlp.batch_size": 16})
    assert pickle.loads(pickle.dumps(settings)) == settings
    assert Settings.model_validate_json(settings.to_json()) == settings
