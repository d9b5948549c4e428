"""Adapted models: ``restore lm build --mix-with-default``, ``--lm``, and the mixture's scores."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reliability import run_cli

import restore
from restore.batch.state import config_hash
from restore.errors import InputError, ResourceError
from restore.lm.arpa import ArpaModel
from restore.lm.build import build_adapted_model, build_model
from restore.lm.mixture import FORMAT, MixedModel, mix_logprob
from restore.lm.model import CharLanguageModel
from restore.lm.windows import SentenceWalk, begin_state, score_walk, score_windows, window_tail

# A district paper's archive, written for these tests: it keeps naming one community, 梓潼湾社区,
# a name the shipped model has never seen.
ARCHIVE = [
    "梓潼湾社区今天举行邻里节活动。",
    "梓潼湾社区的居民自发组织了义诊。",
    "在梓潼湾社区，志愿者帮助老人使用手机。",
    "梓潼湾社区卫生服务站新增了两名医生。",
    "记者来到梓潼湾社区采访网格员。",
    "梓潼湾社区的垃圾分类做得很好。",
]
# Two OCR misreads in the name: 憧 for 潼 (the shipped model does not doubt it), 杜 for 社.
MISREAD_NAME = "梓憧湾社区居民参加了活动。"
MISREAD_WORD = "梓潼湾杜区居民参加了活动。"
OPTIONS = ("--order", "3", "--no-kenlm-tools", "--discount-fallback")


def write_archive(folder: Path) -> Path:
    path = folder / "archive.txt"
    path.write_text("\n".join(ARCHIVE) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def adapted(tmp_path_factory) -> Path:
    """The archive's manifest, built through the CLI as a user would (weight 0.5)."""
    folder = tmp_path_factory.mktemp("adapted")
    corpus = write_archive(folder)
    out = folder / "archive.lm"
    done = run_cli("lm", "build", corpus, "-o", out, "--mix-with-default", "--weight", "0.5", *OPTIONS)
    assert done.returncode == 0, done.stderr
    return out


def fix_jsonl(text: str, folder: Path, *options: str | Path) -> dict:
    page = folder / "page.txt"
    page.write_text(text, encoding="utf-8")
    record = folder / "out.jsonl"
    done = run_cli("fix", page, "--jsonl", record, "-o", folder / "out.txt", *options)
    assert done.returncode == 0, done.stderr
    return json.loads(record.read_text(encoding="utf-8"))


def changes(record: dict) -> dict[tuple[str, str], dict]:
    """(before, after) -> the edit or suggestion, applied ones marked."""
    found = {}
    for key in ("edits", "suggestions"):
        for edit in record[key]:
            found[(edit["before"], edit["after"])] = {**edit, "applied": key == "edits"}
    return found


def lm_models(edit: dict) -> list[str]:
    return [e["model"] for e in edit["evidence"] if e["type"] == "lm"]


def test_build_writes_a_manifest_naming_sources_and_weights(adapted):
    data = json.loads(adapted.read_text(encoding="utf-8"))
    assert data["format"] == FORMAT
    archive, default = data["components"]
    assert (archive["name"], archive["weight"]) == ("archive", 0.5)
    assert archive["sources"][0]["file"].endswith("archive.txt") and len(archive["sources"][0]["sha256"]) == 64
    assert (adapted.parent / archive["path"]).is_file() and archive["path"].startswith("archive.lm.archive.")
    assert default["path"] is None and default["weight"] == 0.5
    assert default["sources"][0]["notice"] == "char5.klm.NOTICE"


def test_adapted_model_corrects_the_archives_name_and_says_so(adapted, tmp_path):
    shipped = changes(fix_jsonl(MISREAD_NAME, tmp_path))
    mixed = changes(fix_jsonl(MISREAD_NAME, tmp_path, "--lm", adapted))
    assert ("憧", "潼") not in shipped
    edit = mixed[("憧", "潼")]
    assert any(model.startswith("archive.lm (adapted: 0.50 archive.lm.archive.") for model in lm_models(edit))


def test_adapted_model_raises_confidence_in_the_archives_word(adapted, tmp_path):
    # The char LM's adaptation alone: the word model (which knows 社区 and applies the change
    # with either char model) is off in both runs.
    config = tmp_path / "restore.toml"
    config.write_text("[char]\ncalib_word_gain = 0.0\n", encoding="utf-8")
    shipped = changes(fix_jsonl(MISREAD_WORD, tmp_path, "--config", config))[("杜", "社")]
    mixed = changes(fix_jsonl(MISREAD_WORD, tmp_path, "--config", config, "--lm", adapted))[("杜", "社")]
    assert mixed["confidence"] > shipped["confidence"]
    assert mixed["applied"] and not shipped["applied"]
    assert lm_models(shipped) == ["char5.klm"]
    assert "adapted" in lm_models(mixed)[0]


def test_config_model_key_selects_the_adapted_model(adapted, tmp_path):
    config = tmp_path / "restore.toml"
    config.write_text(f'[char]\nmodel = "{adapted}"\n', encoding="utf-8")
    assert ("憧", "潼") in changes(fix_jsonl(MISREAD_NAME, tmp_path, "--config", config))


def test_clean_uses_the_adapted_model(adapted, tmp_path):
    inbox, outbox = tmp_path / "in", tmp_path / "out"
    inbox.mkdir()
    (inbox / "a.txt").write_text(MISREAD_NAME + "\n", encoding="utf-8")
    done = run_cli("clean", inbox, "-o", outbox, "--lm", adapted, "--min-confidence", "0.5")
    assert done.returncode == 0, done.stderr
    assert (outbox / "a.txt").read_text(encoding="utf-8") == "梓潼湾社区居民参加了活动。\n"


def test_every_lm_decision_of_the_char_stage_runs_on_the_adapted_model(adapted):
    """The 。-or-， check walks the model with its own states: it must take the mixture's too."""
    corrector = restore.Corrector(restore.Config.from_mapping({"char": {"model": str(adapted)}}))
    result = corrector.fix("近年来。我国的农业发展很快。梓憧湾社区举行邻里节。")
    offered = {(s.before, s.after): s for s in result.suggestions}
    assert ("憧", "潼") in offered
    assert ("。", "，") in offered
    assert "adapted" in offered[("。", "，")].evidence[0].model


def test_rebuilt_model_changes_the_resume_hash(tmp_path):
    corpus = write_archive(tmp_path)
    out = tmp_path / "m.lm"
    options = {"order": 3, "use_kenlm_tools": False, "discount_fallback": True}
    build_adapted_model([corpus], out, weight=0.3, **options)
    config = restore.Config.from_mapping({"char": {"model": str(out)}})
    first = config_hash(config)
    build_adapted_model([corpus], out, weight=0.6, **options)
    assert config_hash(config) != first


@pytest.fixture(scope="module")
def two_arpas(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("two")
    news = folder / "news.txt"
    news.write_text("\n".join(ARCHIVE[:3] + ["今天天气很好，我们去公园散步。", "老师说明天下雨。"]) + "\n", encoding="utf-8")
    archive = write_archive(folder)
    options = {"order": 3, "use_kenlm_tools": False, "discount_fallback": True}
    return build_model([news], folder / "a.arpa", **options), build_model([archive], folder / "b.arpa", **options)


TOKENS = st.lists(st.sampled_from(list("梓潼湾社区今天举行活动的居民老师公园火星")), min_size=1, max_size=9)


@settings(max_examples=40, deadline=None)
@given(tokens=TOKENS, weight=st.floats(0.05, 0.95))
def test_mixture_is_the_linear_interpolation_of_its_models(two_arpas, tokens, weight):
    """Every token's probability is W * p_a + (1 - W) * p_b, by the pure-Python ARPA reference."""
    a, b = (CharLanguageModel(p).model for p in two_arpas)
    ref_a, ref_b = (ArpaModel(p) for p in two_arpas)
    mixed = MixedModel([a, b], [weight, 1 - weight], "test")
    sentence = " ".join(tokens)
    got = [p for p, _n, _oov in mixed.full_scores(sentence)]
    context: tuple[str, ...] = ("<s>",)
    for token, prob in zip([*tokens, "</s>"], got):
        expected = weight * 10 ** ref_a.logprob(context, token) + (1 - weight) * 10 ** ref_b.logprob(context, token)
        assert prob == pytest.approx(math.log10(expected), abs=1e-4)
        context = (*context, token)
    assert mixed.score(sentence) == pytest.approx(sum(got))


@settings(max_examples=40, deadline=None)
@given(tokens=TOKENS, index=st.integers(0, 8), weight=st.floats(0.05, 0.95))
def test_windows_through_a_mixture_match_its_sentence_scores(two_arpas, tokens, index, weight):
    """The char stage's shared-state walk gives a mixture the same windows as scoring token by token."""
    index = min(index, len(tokens) - 1)
    a, b = (CharLanguageModel(p).model for p in two_arpas)
    mixed = MixedModel([a, b], [weight, 1 - weight], "test")
    tail = window_tail(mixed, tokens, index)
    replacements = ["社", "杜", tokens[index]]
    totals = score_windows(mixed, begin_state(mixed, tokens, index), tail, replacements)
    for replacement, total in zip(replacements, totals):
        changed = [*tokens[:index], replacement, *tokens[index + 1 :]]
        scores = [p for p, _n, _oov in mixed.full_scores(" ".join(changed))]
        # begin_state starts from a null context beyond order - 1 tokens back, as full_scores'
        # back-off does once the history is longer than the order.
        assert total == pytest.approx(sum(scores[index : index + len(tail) + 1]), abs=1e-4)


@settings(max_examples=40, deadline=None)
@given(tokens=st.lists(st.sampled_from(list("梓潼湾社区今天举行活动的居民老师公园火星")), min_size=1, max_size=14), weight=st.floats(0.05, 0.95))
def test_one_walk_of_a_sentence_through_a_mixture_gives_each_positions_context(two_arpas, tokens, weight):
    """The char stage's one walk per sentence holds, for a mixture too, the very state and window
    sums that a walk from each position's own context gives (each component's state is right-minimal)."""
    a, b = (CharLanguageModel(p).model for p in two_arpas)
    mixed = MixedModel([a, b], [weight, 1 - weight], "test")
    walk = SentenceWalk(mixed, tokens)
    for index in range(len(tokens)):
        context = begin_state(mixed, tokens, index)
        assert walk.state_before(index) == context
        assert walk.window(index) == score_walk(mixed, context, [tokens[index], *window_tail(mixed, tokens, index)])


def test_mix_logprob_of_equal_parts_is_unchanged():
    assert mix_logprob((0.3, 0.7), (-2.0, -2.0)) == pytest.approx(-2.0)


@pytest.mark.parametrize("weight", ["0", "1", "1.5", "-0.2"])
def test_weight_out_of_range_is_an_error(tmp_path, weight):
    corpus = write_archive(tmp_path)
    done = run_cli("lm", "build", corpus, "-o", tmp_path / "m.lm", "--mix-with-default", "--weight", weight, *OPTIONS)
    assert done.returncode == 1
    assert "--weight must be strictly between 0 and 1" in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["archive.txt"]


def test_weight_without_mix_is_an_error(tmp_path):
    corpus = write_archive(tmp_path)
    done = run_cli("lm", "build", corpus, "-o", tmp_path / "m.arpa", "--weight", "0.3", *OPTIONS)
    assert done.returncode == 1 and "needs --mix-with-default" in done.stderr
    assert not (tmp_path / "m.arpa").exists()


@pytest.mark.parametrize("content, message", [(None, "no such corpus file"), (b"\n \n", "empty corpus")])
def test_bad_corpus_leaves_nothing(tmp_path, content, message):
    corpus = tmp_path / "c.txt"
    if content is not None:
        corpus.write_bytes(content)
    done = run_cli("lm", "build", corpus, "-o", tmp_path / "m.lm", "--mix-with-default", *OPTIONS)
    assert done.returncode == 1
    assert message in done.stderr and "c.txt" in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == (["c.txt"] if content is not None else [])


def bad_models(folder: Path, adapted: Path) -> dict[str, tuple[Path, str]]:
    """Unreadable models and what the error must say."""
    garbage = folder / "garbage.klm"
    garbage.write_bytes(b"\x00\x01 not a model" * 20)
    broken = folder / "broken.lm"
    broken.write_text("{ not json", encoding="utf-8")
    orphan = folder / "orphan.lm"
    data = json.loads(adapted.read_text(encoding="utf-8"))
    data["components"][0]["path"] = "gone.arpa"
    orphan.write_text(json.dumps(data), encoding="utf-8")
    heavy = folder / "heavy.lm"
    data = json.loads(adapted.read_text(encoding="utf-8"))
    data["components"][0]["path"] = str(adapted.parent / data["components"][0]["path"])
    data["components"][0]["weight"] = 0.9
    heavy.write_text(json.dumps(data), encoding="utf-8")
    return {
        "missing": (folder / "none.klm", "none.klm: no such file"),
        "garbage": (garbage, "garbage.klm: cannot load"),
        "broken": (broken, "broken.lm: not a readable mixture manifest"),
        "orphan": (orphan, "component 'archive' is missing"),
        "weights": (heavy, "weights sum to 1"),
    }


@pytest.mark.parametrize("case", ["missing", "garbage", "broken", "orphan", "weights"])
def test_unreadable_model_stops_fix_and_clean(adapted, tmp_path, case):
    model, message = bad_models(tmp_path, adapted)[case]
    page = tmp_path / "page.txt"
    page.write_text(MISREAD_NAME, encoding="utf-8")
    done = run_cli("fix", page, "--lm", model, "-o", tmp_path / "out.txt")
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert not (tmp_path / "out.txt").exists()
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "a.txt").write_text(MISREAD_NAME, encoding="utf-8")
    done = run_cli("clean", inbox, "-o", tmp_path / "cleaned", "--lm", model)
    assert done.returncode == 1 and message in done.stderr, done.stderr
    assert not (tmp_path / "cleaned" / "a.txt").exists()


def test_library_errors_name_the_problem(tmp_path):
    with pytest.raises(InputError, match="strictly between 0 and 1"):
        build_adapted_model([write_archive(tmp_path)], tmp_path / "m.lm", weight=1.0)
    with pytest.raises(ResourceError, match="not a restore mixture manifest"):
        bad = tmp_path / "other.lm"
        bad.write_text('{"format": "something else"}', encoding="utf-8")
        CharLanguageModel(bad).score("你好")
