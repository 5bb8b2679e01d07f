"""A scenario argument names a file when a file of that name exists, else a built-in."""

from __future__ import annotations

import pytest

from iads.errors import InputError
from iads.scenario import load_scenario


def test_a_folder_named_like_a_builtin_does_not_hide_it(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "default").mkdir()
    loaded = load_scenario("default")
    assert loaded.source == "<built-in scenario 'default'>"


def test_a_file_named_like_a_builtin_wins(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    text = load_scenario("default").text.replace("name:", "name: mine #", 1)
    (tmp_path / "default").write_text(text, encoding="utf-8")
    loaded = load_scenario("default")
    assert loaded.source == "default"


def test_a_folder_that_is_no_builtin_is_an_input_error(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "nothing_here").mkdir()
    with pytest.raises(InputError, match="nothing_here"):
        load_scenario("nothing_here")
