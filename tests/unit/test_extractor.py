"""The transformer that runs every family: names, documentation, shapes, edge inputs, and
scikit-learn's estimator checks."""

from __future__ import annotations

import math
import pickle
import random
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils import estimator_checks

from farmscore.features import FAMILIES, feature_specs
from farmscore.features.extractor import analyze_text, feature_names
from farmscore.features.transformer import FeatureExtractor

# scikit-learn's `parametrize_with_checks` skips an estimator whose input tag is `string`, so
# the checks are run one by one. These need no data and apply as they are:
CHECKS_THAT_APPLY = (
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_parameters_default_constructible",
    "check_estimator_repr",
    "check_estimator_cloneable",
    "check_estimator_tags_renamed",
    "check_valid_tag_types",
    "check_estimators_unfitted",
    "check_mixin_order",
    "check_do_not_raise_errors_in_init_or_set_params",
    "check_transformer_n_iter",
)
# These feed numeric 2-D arrays, which a text transformer refuses by design; the tests below
# check the same property on texts where one exists.
FIT_TEST = "numeric input; see test_fit_keeps_parameters_and_returns_self"
CHECKS_THAT_CANNOT_APPLY_TO_TEXT = {
    "check_dont_overwrite_parameters": FIT_TEST,
    "check_estimators_overwrite_params": FIT_TEST,
    "check_fit_check_is_fitted": "stateless: transform needs no fit (requires_fit=False)",
    "check_n_features_in": "n_features_in_ counts columns of a 2-D input; texts have none",
    "check_estimators_pickle": "numeric input; see test_pickle_round_trip_gives_the_same_rows",
    "check_methods_sample_order_invariance": "numeric input; see test_rows_do_not_depend_on_order",
    "check_methods_subset_invariance": "numeric input; see test_rows_do_not_depend_on_order",
    "check_fit_idempotent": FIT_TEST,
    "check_transformer_general": "numeric input; fit_transform equals transform is tested below",
    "check_estimators_dtypes": "numeric dtypes; the input is str",
    "check_estimators_nan_inf": "NaN/inf input; text has none, and None is refused",
    "check_fit2d_predict1d": "2-D input",
    "check_transformer_data_not_an_array": "numeric input; lists and pandas Series are tested",
    "check_fit2d_1sample": "2-D input",
    "check_fit2d_1feature": "2-D input",
    "check_fit1d": "numeric 1-D input must raise there; here 1-D strings are the input",
    "check_set_output_transform": "pandas output of numeric input",
}


@pytest.mark.parametrize("check_name", CHECKS_THAT_APPLY)
def test_sklearn_estimator_checks_that_apply_to_text(check_name: str) -> None:
    getattr(estimator_checks, check_name)("FeatureExtractor", FeatureExtractor())


def test_every_listed_check_exists_in_scikit_learn() -> None:
    listed = [*CHECKS_THAT_APPLY, *CHECKS_THAT_CANNOT_APPLY_TO_TEXT]
    assert all(hasattr(estimator_checks, name) for name in listed)


SAMPLE = ["The council voted 5-2 on Tuesday.", "", "Moreover, the stakes are high. " * 5]


def test_fit_keeps_parameters_and_returns_self() -> None:
    extractor = FeatureExtractor(n_jobs=1)
    params = extractor.get_params()
    assert extractor.fit(SAMPLE) is extractor
    assert extractor.get_params() == params
    first = extractor.transform(SAMPLE)
    np.testing.assert_array_equal(extractor.fit(SAMPLE).transform(SAMPLE), first)
    np.testing.assert_array_equal(FeatureExtractor().fit_transform(SAMPLE), first)


def test_pickle_round_trip_gives_the_same_rows() -> None:
    extractor = FeatureExtractor().fit(SAMPLE)
    restored = pickle.loads(pickle.dumps(extractor))
    np.testing.assert_array_equal(restored.transform(SAMPLE), extractor.transform(SAMPLE))


def test_rows_do_not_depend_on_order_or_batch() -> None:
    rows = FeatureExtractor().transform(SAMPLE)
    reversed_rows = FeatureExtractor().transform(SAMPLE[::-1])
    np.testing.assert_array_equal(rows, reversed_rows[::-1])
    np.testing.assert_array_equal(FeatureExtractor().transform(SAMPLE[1:2]), rows[1:2])
    assert FeatureExtractor().transform([]).shape == (0, len(feature_names()))
    np.testing.assert_array_equal(FeatureExtractor().transform(pd.Series(SAMPLE)), rows)


def test_every_feature_is_named_for_its_family_and_documented() -> None:
    specs = feature_specs()
    names = [spec.name for spec in specs]
    assert len(names) == len(set(names))
    for family_name, family in FAMILIES.items():
        assert family.FEATURES, f"family {family_name} declares no features"
        for spec in family.FEATURES:
            assert spec.name.startswith(family_name + "_"), spec.name
            assert spec.unit, spec.name
            assert len(spec.definition) > 20, spec.name
            assert len(spec.rationale) > 20, spec.name


def test_transform_shape_names_and_order() -> None:
    texts = ["The council voted 5-2 on Tuesday.", "", "Moreover, the stakes are high."]
    extractor = FeatureExtractor().fit(texts)
    X = extractor.transform(texts)
    assert X.shape == (3, len(feature_names()))
    assert list(extractor.get_feature_names_out()) == feature_names()
    assert X[2].tolist() == list(analyze_text(texts[2]).values.values())


def test_works_inside_a_pipeline_and_clones() -> None:
    pipeline = make_pipeline(FeatureExtractor(), StandardScaler())
    X = pipeline.fit_transform(["one text here.", "another text, longer than the first one."])
    assert X.shape[0] == 2
    assert clone(FeatureExtractor(n_jobs=2)).get_params() == {"n_jobs": 2}


def test_parallel_transform_equals_serial() -> None:
    texts = [f"Report {i}: the mayor said {i} things. " * (1 + i % 7) for i in range(300)]
    serial = FeatureExtractor().transform(texts)
    parallel = FeatureExtractor(n_jobs=2).transform(texts)
    np.testing.assert_array_equal(serial, parallel)


@pytest.mark.parametrize(
    "bad", [["text", None], ["text", 3.5], [b"bytes"], "a single string", [["a", "b"], ["c", "d"]]]
)
def test_bad_input_is_refused_with_a_clear_error(bad: object) -> None:
    with pytest.raises((TypeError, ValueError), match=r"text|document"):
        FeatureExtractor().transform(bad)  # type: ignore[arg-type]


def _garbage(n_bytes: int) -> str:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(n_bytes)).decode("utf-8", errors="replace")


EDGE_TEXTS = {
    "empty": "",
    "one word": "Hello",
    "whitespace": " \n\t\r\n  ",
    "chinese": "这是一篇关于城市预算的新闻报道。市议会周二投票通过了预算。",
    "russian": "Городской совет во вторник утвердил бюджет. Мэр заявил об этом журналистам.",
    "binary garbage": _garbage(5000),
    "5 MB on one line": "word another, " * 360_000,
    "1 MB of one character": "a" * 1_000_000,
    "100,000 one-word lines": "word\n" * 100_000,
}


@pytest.mark.parametrize("name", list(EDGE_TEXTS))
def test_values_are_finite_on_edge_inputs(name: str) -> None:
    values = analyze_text(EDGE_TEXTS[name]).values
    bad = {k: v for k, v in values.items() if not math.isfinite(v)}
    assert not bad


BLOCK_SOCKETS_THEN_EXTRACT = """
import socket
def refuse(*args, **kwargs):
    raise RuntimeError("network use: farmscore must never download at run time")
# Connections are refused rather than the socket class replaced, which ssl subclasses.
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
import numpy as np
import pandas as pd
from farmscore.features.transformer import FeatureExtractor
X = FeatureExtractor().transform(["The mayor said the plan would cost $4 million.", ""])
assert np.isfinite(X).all()
print("extracted", X.shape)
"""


def test_extractor_runs_in_a_fresh_process_with_sockets_blocked() -> None:
    # A fresh interpreter, so no dictionary or lexicon was loaded before the block.
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_SOCKETS_THEN_EXTRACT], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "extracted (2," in result.stdout
