"""The public API: types, bad input, config loading, no import-time work."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import restore
from restore.errors import ConfigError


def test_bytes_raise_type_error_telling_to_decode() -> None:
    with pytest.raises(TypeError, match="decode"):
        restore.fix("徐汇".encode())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="str"):
        restore.fix(12)  # type: ignore[arg-type]


def test_empty_and_non_chinese_text() -> None:
    assert restore.fix("") == restore.Result("", "", (), ())
    text = "Plain text, nothing to do: 1,000 items; see (below)!"
    result = restore.fix(text)
    assert result.text == text and result.edits == ()


def test_result_json_round_trip() -> None:
    result = restore.fix("区长来了,大家好!\n\n徐 汇 区")
    assert restore.Result.from_json(result.to_json()) == result


def test_every_edit_has_provenance() -> None:
    result = restore.fix("區委書記來到社區,調研养老服务工作。 會議於 5 月 8 日召開\ufffd")
    assert result.edits
    for edit in result.edits:
        assert edit.source.startswith(edit.kind if edit.kind != "entity" else "lexicon")
        assert edit.evidence


def test_config_from_toml(tmp_path: Path) -> None:
    path = tmp_path / "restore.toml"
    path.write_text('min_confidence = 0.9\nstages = ["layout"]\n[layout]\nmin_join_chars = 20\n', encoding="utf-8")
    config = restore.Config.from_toml(path)
    assert config.min_confidence == 0.9 and config.stages == ("layout",) and config.layout.min_join_chars == 20
    assert restore.fix("好的 ,走", config=config).text == "好的 ,走"  # punct stage is off


@pytest.mark.parametrize(
    "content, message",
    [
        ("min_confidence = 2\n", "min_confidence"),
        ("[layout]\nmin_join = 3\n", "layout.min_join"),
        ("[char]\nmin_glyph_similarty = 0.5\n", r"char.min_glyph_similarty' \(did you mean: min_glyph_similarity"),
        ("[char]\nbogus = 1\n", r"char.bogus' \(\d+ keys in this section, each explained in restore.config.CharConfig\)"),
        ("stages = ['nonsense']\n", "unknown stage"),
        ("min_confidence = 'high'\n", "number"),
        ("min_confidence = \n", "not valid TOML"),
    ],
)
def test_bad_config_is_an_error_naming_the_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        restore.Config.from_toml(path)


def test_dir_lists_the_lazily_loaded_exports() -> None:
    # The exports load on first use; dir() and tab completion still show every one of them
    # (in a fresh interpreter: this one has loaded some of them already).
    import subprocess
    import sys

    listed = subprocess.run(
        [sys.executable, "-c", "import restore; print(' '.join(dir(restore)))"], capture_output=True, text=True, check=True
    ).stdout.split()
    assert set(restore.__all__) <= set(listed)


def test_config_is_frozen() -> None:
    with pytest.raises(AttributeError):
        restore.Config().min_confidence = 0.1  # type: ignore[misc]


def test_import_does_no_work() -> None:
    code = "import sys, restore; print(sorted(m for m in sys.modules if m.split('.')[0] in ('opencc', 'kenlm', 'ahocorasick', 'rapidfuzz') or m.startswith('restore.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_config_lexicon_paths_are_relative_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "restore.toml").write_text('lexicons = ["names.tsv"]\n', encoding="utf-8")
    config = restore.Config.from_toml(folder / "restore.toml")
    assert config.lexicons == (str(folder / "names.tsv"),)


def test_config_booleans_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[lexicon]\nbundled = "no"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="true or false"):
        restore.Config.from_toml(path)


def test_config_replace_changes_section_keys_and_checks_them() -> None:
    base = restore.Config()
    changed = base.replace(min_confidence=0.9, char={"delete_doubled": True, "word_gain_hinge": 5})
    assert (changed.min_confidence, changed.char.delete_doubled, changed.char.word_gain_hinge) == (0.9, True, 5.0)
    # Only the keys named change; the rest of the section is the original's, and the original stays.
    assert changed.char.lm_sweep == base.char.lm_sweep and changed.punct == base.punct
    assert base.char.delete_doubled is False
    with pytest.raises(ConfigError, match="did you mean: delete_doubled"):
        base.replace(char={"delete_double": True})
    with pytest.raises(ConfigError, match="'char.word_gain_hinge' must be a number"):
        base.replace(char={"word_gain_hinge": "high"})
    with pytest.raises(ConfigError, match="did you mean: char"):
        base.replace(chr={"delete_doubled": True})


@pytest.mark.parametrize(
    ("section", "key", "value", "message"),
    [
        ("script", "misread_min_count", "two", "must be an integer"),
        ("script", "misread_min_count", 2.5, "must be an integer"),
        ("script", "misread_min_count", None, "must be an integer"),
        ("char", "word_gain_hinge", "high", "must be a number"),
        ("char", "lm_sweep", 1, "must be true or false"),
        ("script", "to_traditional", 7, "must be a string"),
    ],
)
def test_settings_built_in_code_are_type_checked_too(section: str, key: str, value: object, message: str) -> None:
    # dataclasses.replace skips from_mapping's coercion: the check names the key at once rather
    # than a TypeError deep in a stage on the first fix.
    import dataclasses

    base = restore.Config()
    changed_section = dataclasses.replace(getattr(base, section), **{key: value})
    with pytest.raises(ConfigError, match=rf"'{section}\.{key}' {message}"):
        dataclasses.replace(base, **{section: changed_section})
    # An int where a float is declared is a number (TOML writes 5 for 5.0).
    assert dataclasses.replace(base, char=dataclasses.replace(base.char, word_gain_hinge=5)).char.word_gain_hinge == 5
