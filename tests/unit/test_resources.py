"""`obverify._core.resources`: the bundle's location, and `read_data`, the way the verify path reads it."""

from __future__ import annotations

import pytest

from obverify._core.resources import data_dir, data_root, read_data


def test_the_string_root_and_the_path_root_are_the_same_directory() -> None:
    assert str(data_dir()) == data_root()
    assert (data_dir() / "contexts" / "index.json").is_file()
    assert {p.name for p in data_dir().iterdir()} >= {"contexts", "ob2", "ob3"}


def test_read_data_reads_a_bundled_file() -> None:
    for relative in ("contexts/index.json", "ob3/anyachievementcredential.json"):
        assert read_data(relative) == data_dir().joinpath(*relative.split("/")).read_bytes()


@pytest.mark.parametrize("relative", [
    "contexts/no-such-file.json",  # missing
    "contexts",  # a directory
    "contexts/index.json/x",  # under a file
])
def test_read_data_gives_none_for_what_is_not_a_bundled_file(relative: str) -> None:
    assert read_data(relative) is None


@pytest.mark.parametrize("relative", [
    "../pyproject.toml", "contexts/../../pyproject.toml", "/etc/hostname", "./contexts/index.json",
    "contexts//index.json", "contexts\\index.json", "", "..",
])
def test_read_data_never_leaves_the_bundle(relative: str) -> None:
    assert read_data(relative) is None
