"""Request and response bodies of `POST /v1/score`, with the examples the OpenAPI page shows.

Requests are validated by these models (a wrong shape is a 422 naming the field). Responses
are built as plain dicts by `farmscore.serve.scoring` and only documented here: validating
every outgoing reason again would cost more than scoring a short text.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from farmscore.scoring import DEFAULT_REASONS, MAX_REASONS

EXAMPLE_REQUEST: dict[str, Any] = {
    "documents": [
        {
            "id": "council-vote",
            "text": "The council voted 5-2 on Tuesday to close the Elm Street library branch, "
            "citing a $1.2 million repair bill. Councillor Ana Ruiz, who voted against, said "
            '"the neighbourhood loses its only quiet place to study."',
        },
        {
            "id": "page-7",
            "html": "<html><body><article><h1>Final Thoughts</h1><p>In today's fast-paced "
            "world, it's not just about news; the stakes are high.</p></article></body></html>",
        },
    ],
    "threshold": 0.9,
    "reasons": 3,
}

EXAMPLE_RESPONSE: dict[str, Any] = {
    "model": {"name": "default", "sha256": "12203a51…", "threshold": 0.9503, "generation": 0},
    "results": [
        {
            "id": "council-vote",
            "score": 0.0123,
            "label": "substantive",
            "threshold": 0.9,
            "word_count": 39,
            "warnings": ["too_short"],
            "reasons": [
                {
                    "feature": "specificity_number_rate_per_1k_words",
                    "title": "Numbers",
                    "direction": "substantive",
                    "contribution": -0.81,
                    "value": 51.28,
                    "typical": 12.4,
                    "evidence": [{"start": 18, "end": 21, "note": "number", "text": "5-2"}],
                }
            ],
        },
        {"id": "page-7", "error": "the text has no words (...); there is nothing to judge"},
    ],
}


class DocumentIn(BaseModel):
    """One article: its plain `text`, or the `html` of its page (the article is extracted)."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(
        default=None, max_length=1_000, description="Your id; default: its position, from 1."
    )
    text: str | None = Field(default=None, description="The article as plain text.")
    html: str | None = Field(default=None, description="The page's HTML, instead of text.")

    @model_validator(mode="after")
    def _text_or_html(self) -> DocumentIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of text and html")
        return self


class ScoreRequest(BaseModel):
    """Articles to score, in the order the results come back."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [EXAMPLE_REQUEST]})

    documents: list[DocumentIn] = Field(min_length=1)
    threshold: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Label content_farm at or above this score in every length band; default: "
        "the server's (each band's own threshold unless the server was started with one).",
    )
    policy: Literal["farm", "machine"] | None = Field(
        default=None,
        description="farm: reject content farms (tells decide; machine prose with human-level "
        "sourced substance stays, with a machine_prose warning); machine: reject any machine "
        "prose. Default: the server's.",
    )
    reasons: int = Field(
        default=DEFAULT_REASONS,
        ge=0,
        le=MAX_REASONS,
        description="Reasons per result, strongest first.",
    )


class EvidenceOut(BaseModel):
    start: int
    end: int
    note: str
    text: str | None = None


class ReasonPartOut(BaseModel):
    feature: str
    title: str
    contribution: float
    value: float
    typical: float
    note: str | None = None


class ReasonOut(BaseModel):
    feature: str = Field(
        description="The feature, or the measure when it is taken in several forms (parts)."
    )
    title: str
    axis: Literal["tell", "substance", "machine"] = Field(
        description="tell: evidence that decides alone; substance: sourced substance that "
        "kept machine prose substantive; machine: a measure of the machine head."
    )
    direction: Literal["content_farm", "substantive"]
    contribution: float = Field(description="Log-odds this reason added to the score.")
    value: float
    typical: float = Field(
        description="The value of the median human training text of the page's length band."
    )
    note: str | None = Field(default=None, description="Why, when the direction needs it.")
    evidence: list[EvidenceOut]
    parts: list[ReasonPartOut] | None = Field(
        default=None,
        description="A measure taken in several forms: each form that moved the score, the "
        "first giving value and typical; their contributions add up to the reason's.",
    )


class MachineOut(BaseModel):
    probability: float = Field(description="Calibrated probability of machine-written prose.")
    threshold: float
    label: Literal["machine", "human"]


class SubstanceOut(BaseModel):
    percentile: float = Field(
        description="Sourced substance as a percentile of human reporting of the same band."
    )


class BaseOut(BaseModel):
    log_odds: float = Field(description="What the median human text of the band scores.")
    probability: float


class ScoreResult(BaseModel):
    id: str
    score: float = Field(
        description="The verdict on the probability scale (content farm at or above threshold)."
    )
    label: Literal["content_farm", "substantive"]
    threshold: float = Field(
        description="The threshold of the page's length band (or the request's)."
    )
    band: str = Field(description="The page's length band, in words.")
    policy: Literal["farm", "machine"]
    decided_by: Literal["tell", "machine", "substance"]
    machine: MachineOut
    substance: SubstanceOut | None
    tells: list[str]
    word_count: int
    warnings: list[str]
    base: BaseOut
    explained_share: float = Field(
        description="Share of all contributions (absolute log-odds) the reasons shown hold."
    )
    reasons: list[ReasonOut]


class DocumentError(BaseModel):
    """In place of a result: why this document could not be scored."""

    id: str
    error: str


class ModelInfo(BaseModel):
    name: str
    sha256: str
    threshold: float = Field(description="The threshold the server applies by default.")
    generation: int = Field(description="Counts reloads since the server started.")


class ScoreResponse(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [EXAMPLE_RESPONSE]})

    model: ModelInfo
    results: list[ScoreResult | DocumentError]


class ErrorResponse(BaseModel):
    error: str
    fields: list[dict[str, str]] | None = None
