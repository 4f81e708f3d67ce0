"""What each answer of the open-data API holds (opendata/api.py): the published facts only,
never a status, a person, a comment or anything typed that did not validate."""

from datetime import date, datetime
from typing import Any

from django.db.models import Model
from ninja import Field, Schema

from countries.models import Region
from reviews.sections import SECTIONS

MAX_ID = 2_147_483_647  # PostgreSQL's integer: a larger id is a bad parameter, not a 500
ISO3 = r"^[A-Za-z]{3}$"
INDICATOR_CODE = r"^[A-Za-z0-9._-]{1,10}$"


class Message(Schema):
    detail: str = Field(description="What went wrong, in plain English.")


class CycleOut(Schema):
    id: int
    name: str
    assembly: str = Field(description="The session of the UN-Habitat Assembly it reports to.")
    opens_on: date
    deadline: date
    published_on: date | None = Field(description="The day the cycle's reviews were published.")
    reviews: int = Field(description="How many published reviews the cycle has.")

    @staticmethod
    def resolve_published_on(cycle: Model) -> date | None:
        published_at = getattr(cycle, "published_at", None)
        return published_at.date() if published_at else None

    @staticmethod
    def resolve_reviews(cycle: Model) -> int:
        return int(getattr(cycle, "reviews_count", 0))


class CountryOut(Schema):
    iso3: str
    iso2: str
    m49: str = Field(description="The UN M49 numeric code.")
    name: str
    region: Region
    subregion: str
    member_state: bool = Field(description="False for an observer state.")
    reported_in: list[int] = Field(description="The published cycles it has a review in.")

    @staticmethod
    def resolve_member_state(country: Model) -> bool:
        return bool(getattr(country, "is_member_state", False))

    @staticmethod
    def resolve_reported_in(country: Model) -> list[int]:
        return list(getattr(country, "reported_in", None) or [])


class CodeTitle(Schema):
    code: str
    title: str


class ChoiceOut(Schema):
    value: str
    label: str


class IndicatorOut(Schema):
    code: str
    title: str
    type: str = Field(description="whole_number, decimal, percentage, money, yes_no, …")
    unit: str
    by_sex: bool = Field(description="Whether answers give female, male and total values.")
    sdg_code: str = Field(description="The SDG indicator it matches, or empty.")
    choices: list[ChoiceOut] = Field(description="The options of a single-choice indicator.")
    outcome: CodeTitle
    area: CodeTitle

    @staticmethod
    def resolve_choices(indicator: Any) -> list[dict[str, str]]:
        return [{"value": o.value, "label": o.label} for o in indicator.options.all()]

    @staticmethod
    def resolve_outcome(indicator: Any) -> dict[str, str]:
        outcome = indicator.area.outcome
        return {"code": outcome.code, "title": outcome.title}

    @staticmethod
    def resolve_area(indicator: Any) -> dict[str, str]:
        return {"code": indicator.area.code, "title": indicator.area.title}


class CountryRef(Schema):
    iso3: str
    name: str


class ReviewOut(Schema):
    id: int
    cycle: int
    country: CountryRef
    language: str = Field(description="The language the review was written in.")
    approved_at: datetime | None = Field(description="When the published version was approved.")
    version: int | None = Field(description="The number of the approved (submitted) version.")

    @staticmethod
    def resolve_cycle(review: Any) -> int:
        return review.cycle_id

    @staticmethod
    def resolve_country(review: Any) -> dict[str, str]:
        return {"iso3": review.country.iso3, "name": review.country.name}


class SectionOut(Schema):
    key: str
    number: int
    title: str
    text: str


class ReviewDetail(ReviewOut):
    sections: list[SectionOut]

    @staticmethod
    def resolve_sections(review: Any) -> list[dict[str, Any]]:
        return [
            {
                "key": s.key,
                "number": s.number,
                "title": str(s.title),
                "text": review.section_text(s.key),
            }
            for s in SECTIONS
        ]


class AnswerOut(Schema):
    review: int
    cycle: int
    country: str = Field(description="The country's ISO 3166 alpha-3 code.")
    indicator: str = Field(description="The indicator's code in the cycle's matrix.")
    values: dict[str, Any] = Field(
        description='{"value": …} or, disaggregated by sex, {"female": …, "male": …, "total": …}; '
        "numbers as text (exact decimals), yes/no as true/false, a choice as its stored value."
    )
    currency: str = Field(description="ISO 4217 code, for money.")
    year: int | None = Field(description="The reference year of the figure.")
    source: str
    note: str
    not_available: bool
    reason: str = Field(description="Why the data is not available.")

    @staticmethod
    def resolve_review(answer: Any) -> int:
        return answer.review_id

    @staticmethod
    def resolve_cycle(answer: Any) -> int:
        return answer.review.cycle_id

    @staticmethod
    def resolve_country(answer: Any) -> str:
        return answer.review.country.iso3

    @staticmethod
    def resolve_indicator(answer: Any) -> str:
        return answer.indicator.code

    @staticmethod
    def resolve_year(answer: Any) -> int | None:
        return answer.reference_year
