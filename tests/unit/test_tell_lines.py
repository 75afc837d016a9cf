"""The learned tell-line scorer: its line features, its file, and what it adds to the counts."""

from __future__ import annotations

import dataclasses
import functools
import io
import json
import random

import numpy as np
import pytest

from farmscore.features import tell_lines
from farmscore.features.artifacts import _add_learned_lines
from farmscore.features.extractor import analyze_text
from farmscore.features.tell_lines import (
    LEARNED_NOTE,
    MAX_LINE_WORDS,
    LineUnit,
    TellLineScorer,
    TellLinesFormatError,
    extra_features,
    line_features,
    line_units,
    packaged_scorer,
    save,
)
from farmscore.features.tells import tells_in
from farmscore.features.text import AnalyzedText
from farmscore.scoring import Scorer
from farmscore.training.tell_line_fitting import FitSettings, fit_tell_lines, plant

BODY = (
    "The council met on Tuesday to set next year's budget. Councillor Ann Reyes said the "
    "roads fund would rise by 4% to £2.1m, paid for by a cut in the events budget.\n\n"
    "Residents of Mill Lane, where a burst main closed the road for nine days in March, told "
    "the meeting that repairs had come too late. The vote was 31 to 12."
)


def test_line_features_are_words_pairs_marks_position_and_length() -> None:
    features = line_features(["use", "code", "save15"], "use code SAVE15!", True, False)
    assert features == [
        "w use",
        "w code",
        "w save15",
        "b use code",
        "b code save15",
        "c !",
        "@first",
        "@len<=5",
    ]


def test_line_units_skip_long_lines_and_start_at_the_first_word() -> None:
    long_line = " ".join(["word"] * (MAX_LINE_WORDS + 1))
    text = f'  "Quoted start," she said.\n{long_line}\nLast line.'
    units = list(line_units(AnalyzedText(text)))
    assert [text[start:end] for start, end in (unit.span for unit in units)] == [
        'Quoted start," she said.',
        "Last line.",
    ]
    assert "@first" in units[0].features
    assert "@last" in units[1].features


def test_extra_features_are_letter_grams_of_long_words_shapes_and_the_first_word() -> None:
    assert extra_features(["grab", "£10", "bonus", "@deals", "https://x.io"]) == [
        "g <bon",
        "g bonu",
        "g onus",
        "g nus>",
        "s number",
        "s handle",
        "s link",
        "f grab",
    ]
    assert extra_features([]) == []


def _file(**changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "format_version": 2,
        "kinds": ["format_note", "prompter_address"],
        "kind_thresholds": [0.0, 0.5],
        "kind_bias": [-3.0, -3.0],
        "extra_kinds": ["format_note"],
        "weights": {"w lmk": [0.0, 6.0], "g <bon": [6.0, 0.0]},
    }
    data.update(changes)
    return data


def test_a_weights_file_of_another_format_or_with_ragged_rows_is_refused() -> None:
    with pytest.raises(TellLinesFormatError, match=r"fit_tell_lines\.py"):
        TellLineScorer.from_json(_file(format_version=1))
    with pytest.raises(TellLinesFormatError, match="one weight per kind"):
        TellLineScorer.from_json(_file(weights={"w lmk": [1.0]}))
    with pytest.raises(TellLinesFormatError, match="one threshold per kind"):
        TellLineScorer.from_json(_file(kind_bias=[0.0]))
    with pytest.raises(TellLinesFormatError, match="not all kinds"):
        TellLineScorer.from_json(_file(extra_kinds=["promotion"]))


def test_each_kind_scales_by_the_features_it_reads() -> None:
    scorer = TellLineScorer.from_json(_file())
    assert scorer.log_odds(LineUnit((0, 3), ["w lmk"], True)).tolist() == pytest.approx([-3.0, 3.0])
    # Four features read by both kinds: 6 / sqrt(4) for the hand-over.
    four = LineUnit((0, 3), ["w lmk", "w ok", "w then", "w bye"], True)
    assert scorer.log_odds(four).tolist() == pytest.approx([-3.0, 0.0])
    # An extra feature counts for the kind that reads it (6 / sqrt(2)), not for the other.
    with_gram = LineUnit((0, 3), ["w lmk"], True, extra=["g <bon"])
    assert scorer.log_odds(with_gram).tolist() == pytest.approx([-3.0 + 6 / 2**0.5, 3.0])


def test_a_line_is_a_tell_line_at_its_own_kinds_threshold_and_a_hand_over_at_an_edge() -> None:
    scorer = TellLineScorer.from_json(_file(kind_thresholds=[0.0, 3.5]))
    hand_over = LineUnit((0, 3), ["w lmk"], at_edge=True)
    assert scorer.tell_kind(hand_over) is None  # 3.0, under prompter_address's 3.5
    louder = TellLineScorer.from_json(_file(kind_thresholds=[0.0, 2.5]))
    assert louder.tell_kind(hand_over) == "prompter_address"
    assert louder.tell_kind(dataclasses.replace(hand_over, at_edge=False)) is None
    note = LineUnit((0, 3), ["w ok"], at_edge=False, extra=["g <bon"])
    assert louder.tell_kind(note) == "format_note"  # -3 + 6 / sqrt(2) = 1.24 >= 0
    # Of two kinds it clears, the line is the one it clears by more.
    both = LineUnit((0, 3), ["w lmk"], at_edge=True, extra=["g <bon"])
    assert louder.log_odds(both).tolist() == pytest.approx([-3.0 + 6 / 2**0.5, 3.0])
    assert louder.tell_kind(both) == "format_note"  # 1.24 over 0.0 beats 3.0 over 2.5


def test_a_hand_over_a_line_quotes_as_someones_words_is_not_the_pages() -> None:
    louder = TellLineScorer.from_json(_file(kind_thresholds=[0.0, 2.5]))
    hand_over = LineUnit((0, 3), ["w lmk"], at_edge=True)
    assert louder.tell_kind(hand_over) == "prompter_address"
    assert louder.tell_kind(dataclasses.replace(hand_over, reports_a_quote=True)) is None
    # The flag is the line's: a quotation and a verb of reporting.
    page = (
        "The bot began its reply with 'Sure, here is the article you asked for.'\n\n"
        "Rivers rose on Monday.\n\nSure, here is the article you asked for."
    )
    units = list(line_units(AnalyzedText(page)))
    assert [unit.reports_a_quote for unit in units] == [True, False, False]
    # "Opened with" and its kin, with an aside between the verb and "with".
    page = (
        'The reply opened, somewhat awkwardly, with "Sure! Here is a news article."\n\n'
        'Rivers rose.\n\nIts output started with the line "Write a 20-sentence story."'
    )
    units = list(line_units(AnalyzedText(page)))
    assert [unit.reports_a_quote for unit in units] == [True, False, True]


def _slot_and_self_file(**changes: object) -> dict[str, object]:
    return _file(
        kinds=["placeholder", "self_reference"],
        kind_thresholds=[0.0, 0.0],
        extra_kinds=[],
        weights={"w tk": [6.0, 0.0], "w model": [0.0, 6.0]},
        **changes,
    )


def test_a_slot_or_a_self_reference_counts_amid_the_page_but_not_in_a_line_quoting_someone() -> (
    None
):
    scorer = TellLineScorer.from_json(_slot_and_self_file())
    slot = LineUnit((0, 3), ["w tk"], at_edge=False, n_words=3)
    assert scorer.tell_kind(slot) == "placeholder"
    assert scorer.tell_kind(dataclasses.replace(slot, reports_a_quote=True)) is None
    self_reference = LineUnit((0, 3), ["w model"], at_edge=False, n_words=12)
    assert scorer.tell_kind(self_reference) == "self_reference"
    assert scorer.tell_kind(dataclasses.replace(self_reference, reports_a_quote=True)) is None
    # The flag is read on every line now, not only at the page's edges.
    page = (
        "Rivers rose on Monday.\n\n"
        '"[The council] has failed residents for years," said the opposition leader.\n\n'
        "The vote was 31 to 12.\n\nMore on Tuesday.\n\nThe next meeting is in May."
    )
    assert [unit.reports_a_quote for unit in line_units(AnalyzedText(page))] == [
        False,
        True,
        False,
        False,
        False,
    ]


def test_a_self_reference_needs_seven_words_and_a_slot_none() -> None:
    scorer = TellLineScorer.from_json(_slot_and_self_file())
    six = LineUnit((0, 3), ["w model"], at_edge=True, n_words=6)
    assert scorer.tell_kind(six) is None
    assert scorer.tell_kind(dataclasses.replace(six, n_words=7)) == "self_reference"
    assert scorer.tell_kind(LineUnit((0, 3), ["w tk"], at_edge=True, n_words=1)) == "placeholder"
    units = list(line_units(AnalyzedText("Sorry, I can't. I am busy.\n\nShe left at noon.")))
    assert [unit.n_words for unit in units] == [6, 4]


def test_a_learned_line_is_not_counted_again_where_a_pattern_found_it() -> None:
    found: dict[str, list[tuple[int, int]]] = {"format_note": [(10, 50)], "prompter_address": []}
    _add_learned_lines(found, {"prompter_address": [(20, 40), (60, 90)], "other": [(0, 5)]})
    assert found == {"format_note": [(10, 50)], "prompter_address": [(60, 90)]}


def test_a_learned_line_outweighs_a_pattern_that_never_decides() -> None:
    # "I hope this helps" (a chat courtesy, which bloggers write too) inside a line the scorer
    # reads as a hand-over: the line counts once, as the hand-over.
    found: dict[str, list[tuple[int, int]]] = {
        "prompter_address": [],
        "chat_courtesy": [(60, 77), (200, 217)],
    }
    added = _add_learned_lines(found, {"prompter_address": [(60, 130)]})
    assert added == {(60, 130)}
    assert found == {"prompter_address": [(60, 130)], "chat_courtesy": [(200, 217)]}


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (
            "hope this works for you! happy to trim it down to 300 words if the slot is small",
            "prompter_address",
        ),
        (
            "Feel free to cut the second paragraph if space is tight, or I can rework it.",
            "prompter_address",
        ),
        (
            "Being a text generator, I have no way to confirm which of these figures is current.",
            "ai_disclosure",
        ),
        # A chat courtesy's pattern ("feel free to ask") finds part of it, and never decides.
        (
            "Hope this helps with the newsletter! Feel free to ask if you want the intro shorter.",
            "prompter_address",
        ),
    ],
)
def test_the_packaged_scorer_finds_a_line_no_pattern_names(
    line: str, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not tells_in(*_values(BODY))
    assert [tell.kind for tell in tells_in(*_values(f"{BODY}\n\n{line}"))] == [kind]
    # The patterns alone miss it: the scorer, silenced, leaves the page without a tell.
    scorer = packaged_scorer()
    silenced = dataclasses.replace(scorer, thresholds=np.full(len(scorer.kinds), np.inf))
    monkeypatch.setattr(tell_lines, "packaged_scorer", lambda: silenced)
    assert not tells_in(*_values(f"{BODY}\n\n{line}"))


def test_the_packaged_scorer_finds_a_role_label_at_the_start_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    label = "Model output: The council set next year's budget on Tuesday."
    first, second = BODY.split("\n\n")
    opening = f"{label}\n\n{BODY}\n\nMore on the roads fund.\n\nThe next meeting is in May."
    assert [tell.kind for tell in tells_in(*_values(opening))] == ["role_marker"]
    # Amid the page it is left alone, as an interview's or a transcript's label would be: the
    # role-label model is not even consulted there.
    amid = f"{first}\n\nThe mayor spoke first.\n\n{label}\n\nThen residents.\n\n{second}"
    assert not tells_in(*_values(amid))
    scorer = packaged_scorer()
    doc = AnalyzedText(amid)
    unit = next(unit for unit in line_units(doc) if doc.text[slice(*unit.span)] == label)
    assert scorer.eligible_log_odds([unit])[0, scorer.kinds.index("role_marker")] == -np.inf
    # The patterns alone miss it.
    silenced = dataclasses.replace(scorer, thresholds=np.full(len(scorer.kinds), np.inf))
    monkeypatch.setattr(tell_lines, "packaged_scorer", lambda: silenced)
    assert not tells_in(*_values(opening))


def test_the_packaged_scorer_leaves_newsroom_lines_alone() -> None:
    for line in (
        "Read more: Council approves new cycle lanes on Mill Lane",
        "Additional reporting by Tom Price.",
        "This article was amended on 3 March to correct the councillor's name.",
    ):
        assert not tells_in(*_values(f"{BODY}\n\n{line}")), line


def test_the_packaged_scorer_leaves_a_quotations_editorial_brackets_alone() -> None:
    first, second = BODY.split("\n\n")
    quoted = '"[The council] has failed residents for years," said the opposition leader.'
    assert not tells_in(*_values(f"{first}\n\n{quoted}\n\n{second}"))


def test_a_slot_the_scorer_finds_is_left_alone_where_a_tutorial_explains_it() -> None:
    line = "Replace [PROJECT NAME] with the name of your project."
    page = (
        "Cloud Run deploys a container in one command. This guide walks through a first "
        f"deployment from a laptop.\n\nYou need a project with billing turned on.\n\n{line}\n\n"
        "The service is live a minute later. Visit its URL to see it."
    )
    doc = AnalyzedText(page)
    found = [
        (page[slice(*unit.span)], kind)
        for unit, kind in zip(
            line_units(doc), packaged_scorer().tell_kinds(list(line_units(doc))), strict=True
        )
        if kind
    ]
    assert found == [(line, "placeholder")]
    # The patterns' rule for a tutorial's slots holds for the scorer's lines too.
    assert not tells_in(*_values(page))


def _values(text: str) -> tuple[dict[str, float], int]:
    result = analyze_text(text)
    return result.values, result.n_words


def test_the_packaged_file_loads_with_a_threshold_and_the_seven_kinds_it_finds() -> None:
    scorer = packaged_scorer()
    assert (scorer.thresholds > 0).all()
    reading = [kind for kind, extra in zip(scorer.kinds, scorer.reads_extra, strict=True) if extra]
    assert reading == ["promotion"]
    assert set(scorer.kinds) == {
        "format_note",
        "placeholder",
        "prompt_echo",
        "prompter_address",
        "promotion",
        "role_marker",
        "self_reference",
    }
    # A role marker leaks at the start of a chat reply: amid a page, "A:" is an interview's.
    edge_only = {kind for kind, edge in zip(scorer.kinds, scorer.edge_only, strict=True) if edge}
    assert edge_only == {"prompter_address", "prompt_echo", "role_marker"}
    excused = {
        kind for kind, quote in zip(scorer.kinds, scorer.quote_excused, strict=True) if quote
    }
    assert excused == {*edge_only, "placeholder", "self_reference"}
    needs = {kind: int(n) for kind, n in zip(scorer.kinds, scorer.min_words, strict=True) if n}
    assert needs == {"self_reference": 7}


def test_the_fit_holds_its_threshold_rule_on_the_validation_pages() -> None:
    rng = random.Random(3)
    vocabulary = [
        "the",
        "a",
        "council",
        "road",
        "vote",
        "budget",
        "rose",
        "fell",
        "said",
        "town",
        "river",
        "club",
        "match",
        "year",
    ]

    def article() -> str:
        return "\n\n".join(
            " ".join(rng.choice(vocabulary) for _ in range(rng.randint(8, 30))) + "."
            for _ in range(rng.randint(2, 6))
        )

    dev = {
        "signoff": [f"let me know if you want changes {n}" for n in range(12)],
        "promo": [f"use code SAVE{n} for {n}0% off now" for n in range(12)],
        "newsroom_furniture": [f"Read more: town vote {n}" for n in range(12)],
    }
    human = [article() for _ in range(150)]
    machine = [article() for _ in range(40)]
    validation = [article() for _ in range(500)]
    content, report = fit_tell_lines([dev], human, machine, validation, FitSettings(c=1.0))
    scorer = TellLineScorer.from_json(json.loads(json.dumps(content)))
    assert report.validation_pages == 500
    validation_lines = [unit for text in validation for unit in line_units(AnalyzedText(text))]
    assert not any(scorer.tell_kind(unit) for unit in validation_lines)
    assert set(scorer.kinds) == {"prompter_address", "promotion"}
    signed_off = AnalyzedText(
        plant("signoff", "let me know if you want a shorter one", human[0], rng)
    )
    assert "prompter_address" in {scorer.tell_kind(unit) for unit in line_units(signed_off)}


def _toy_article(rng: random.Random) -> str:
    words = ["the", "council", "road", "vote", "budget", "said", "town", "river", "year"]
    return "\n\n".join(
        " ".join(rng.choice(words) for _ in range(rng.randint(8, 30))) + "."
        for _ in range(rng.randint(2, 5))
    )


@pytest.mark.parametrize("legit_lines_set_thresholds", [True, False])
def test_a_legitimate_line_that_reads_like_a_tell_holds_its_kinds_threshold_up(
    legit_lines_set_thresholds: bool,
) -> None:
    rng = random.Random(5)
    article = functools.partial(_toy_article, rng)
    dev = {"promo": [f"use code SAVE{n} for {n}0% off now" for n in range(12)]}
    # One honest line in the words of promotion (a charity's own code, say).
    lookalikes = {"outlet_self_promo": ["use code SAVE9 for 90% off now"]}
    human, validation = [article() for _ in range(150)], [article() for _ in range(300)]
    content, _ = fit_tell_lines(
        [dev],
        human,
        [article() for _ in range(40)],
        validation,
        FitSettings(legit_lines_set_thresholds=legit_lines_set_thresholds),
        [lookalikes],
    )
    scorer = TellLineScorer.from_json(content)
    page = AnalyzedText(plant("promo", lookalikes["outlet_self_promo"][0], validation[0], rng))
    read_as_tell = any(scorer.tell_kind(unit) for unit in line_units(page))
    assert read_as_tell is not legit_lines_set_thresholds


def test_a_saved_weights_file_loads_as_the_same_scorer() -> None:
    content = _file(weights={"w lmk": [-1.0, 6.0], "w ok": [0.5, -0.5], "g <bon": [4.0, 0.0]})
    written = io.BytesIO()
    save(content, written)
    written.seek(0)
    loaded = TellLineScorer.load(written)
    direct = TellLineScorer.from_json(content)
    for unit in (
        LineUnit((0, 3), ["w lmk"], True),
        LineUnit((0, 3), ["w lmk", "w ok"], False, extra=["g <bon"]),
        LineUnit((0, 3), ["w nothing"], True),
    ):
        assert loaded.log_odds(unit).tolist() == pytest.approx(direct.log_odds(unit).tolist())
        assert loaded.tell_kind(unit) == direct.tell_kind(unit)
    assert loaded.kinds == direct.kinds
    assert loaded.reads_extra.tolist() == direct.reads_extra.tolist() == [True, False]


def test_a_weights_file_whose_arrays_disagree_is_refused() -> None:
    written = io.BytesIO()
    save(_file(), written)
    arrays = dict(np.load(io.BytesIO(written.getvalue())))
    arrays["weights"] = np.zeros((3, 2), dtype=np.float32)
    broken = io.BytesIO()
    np.savez(broken, **arrays)
    broken.seek(0)
    with pytest.raises(TellLinesFormatError, match="do not match"):
        TellLineScorer.load(broken)


def test_a_text_of_one_line_has_no_page_to_tell_a_line_apart_from() -> None:
    assert list(line_units(AnalyzedText("Let me know what you think in the comments below."))) == []
    assert len(list(line_units(AnalyzedText("A title\n\nLet me know what you think.")))) == 2


def test_the_warm_up_loads_the_tell_line_weights_before_the_first_document() -> None:
    packaged_scorer.cache_clear()
    Scorer.load().warm_up()
    assert packaged_scorer.cache_info().currsize == 1


def test_a_line_only_the_scorer_found_says_so_in_its_evidence() -> None:
    line = "hope this works for you! happy to trim it down to 300 words if the slot is small"
    result = analyze_text(f"{BODY}\n\n{line}")
    (span,) = [e for e in result.evidence if e.feature == "artifacts_prompter_address_count"]
    assert span.note.endswith(LEARNED_NOTE)


def test_a_weights_file_whose_names_are_not_one_string_is_refused() -> None:
    written = io.BytesIO()
    save(_file(), written)
    arrays = dict(np.load(io.BytesIO(written.getvalue())))
    arrays["features"] = np.frombuffer(str(arrays["features"]).encode("utf-8"), dtype=np.uint8)
    broken = io.BytesIO()
    np.savez(broken, **arrays)
    broken.seek(0)
    with pytest.raises(TellLinesFormatError, match="one string"):
        TellLineScorer.load(broken)


def test_a_placeholder_look_alike_holds_up_the_placeholder_threshold_alone() -> None:
    rng = random.Random(7)
    article = functools.partial(_toy_article, rng)
    dev = {
        "placeholder": [f"[insert {word} here]" for word in ("name", "date", "town", "quote")],
        "signoff": [f"let me know if you want changes {n}" for n in range(12)],
    }
    # An honest line in the words of a slot (a quotation's editorial brackets, say).
    lookalike = "[insert] the town vote here"
    human, validation = [article() for _ in range(150)], [article() for _ in range(300)]
    machine = [article() for _ in range(40)]
    plain, _ = fit_tell_lines([dev], human, machine, validation)
    guarded, report = fit_tell_lines(
        [{**dev, "placeholder_lookalike": [lookalike]}], human, machine, validation
    )
    assert report.counts["placeholder look-alike"] > 0
    kinds = guarded["kinds"]
    assert kinds == plain["kinds"] == ["placeholder", "prompter_address"]
    placeholder, hand_over = (kinds.index(kind) for kind in ("placeholder", "prompter_address"))
    # The look-alike is the placeholder model's negative and holds its threshold up; the
    # hand-over's model and threshold are as they were without it (to rounding: the look-alike
    # adds columns to the rows the solver reads).
    assert guarded["kind_thresholds"][hand_over] == pytest.approx(
        plain["kind_thresholds"][hand_over], rel=1e-9
    )
    assert guarded["kind_thresholds"][placeholder] > plain["kind_thresholds"][placeholder]
    scorer = TellLineScorer.from_json(guarded)
    page = AnalyzedText(plant("placeholder_lookalike", lookalike, validation[0], rng))
    # Not a slot; whether it reads as another kind is that kind's threshold's business.
    assert "placeholder" not in {scorer.tell_kind(unit) for unit in line_units(page)}
    planted = AnalyzedText(plant("placeholder", "[insert name here]", validation[1], rng))
    assert "placeholder" in {scorer.tell_kind(unit) for unit in line_units(planted)}
