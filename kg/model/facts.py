"""Typed facts: what the extractors state about one document, each with its evidence.

Facts are small frozen dataclasses, the only thing that crosses from extraction (``extractors``)
into graph building (``kg.rdf.facts_to_rdf``). Every fact carries the :class:`Evidence` that states it, as
character offsets into the document's *normalized* text; the graph builder maps those back into
the original file with the document's offset map.

Entities refer to each other by :class:`EntityRef` (kind + canonical key), never by object
identity, so facts stay plain data that can be pickled to worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

__all__ = [
    "AMOUNT_KINDS",
    "FUNDING_KINDS",
    "District",
    "DocumentFacts",
    "EntityRef",
    "Evidence",
    "FundingAmount",
    "Measure",
    "Organization",
    "Person",
    "Post",
    "Project",
    "Qualifier",
    "Relation",
]

EntityKind = Literal["person", "org", "district", "measure", "project", "meeting"]
Qualifier = Literal["exact", "max", "min", "approx"]
MeasureKind = Literal["Program", "PolicyDocument", "Plan", "Agreement", "Campaign", "ProjectList"]


@dataclass(frozen=True, order=True)
class Evidence:
    """Where the text states a fact: [start, end) in the normalized text, and its sentence."""

    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int


@dataclass(frozen=True)
class EntityRef:
    """A reference to an entity by kind and canonical key (district: adcode; others: name)."""

    kind: EntityKind
    key: str


@dataclass(frozen=True)
class District:
    adcode: str
    name: str
    parent_adcode: str | None
    aliases: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()

    @property
    def ref(self) -> EntityRef:
        return EntityRef("district", self.adcode)


@dataclass(frozen=True)
class Organization:
    """A named organization. ``kind``: government, party, congress, cppcc, court, procuratorate,
    enterprise, hospital, university, media, association, zone, other."""

    name: str
    kind: str
    aliases: tuple[str, ...] = ()
    district: str | None = None  # adcode of the area served
    evidence: tuple[Evidence, ...] = ()

    @property
    def is_public_body(self) -> bool:
        return self.kind in PUBLIC_ORG_KINDS

    @property
    def ref(self) -> EntityRef:
        return EntityRef("org", self.name)


PUBLIC_ORG_KINDS = frozenset(
    {"government", "party", "congress", "cppcc", "court", "procuratorate", "zone"}
)


@dataclass(frozen=True)
class Person:
    """A named person. ``region``: the adcode of the province-level area the document is about,
    used to tell apart namesakes across documents."""

    name: str
    is_official: bool
    region: str | None = None
    evidence: tuple[Evidence, ...] = ()

    @property
    def ref(self) -> EntityRef:
        return EntityRef("person", self.name)


@dataclass(frozen=True)
class Post:
    """A person holds a role in an organization ("大足区委副书记" → 副书记 of 大足区委)."""

    person: str
    role: str
    org: str | None
    as_written: str
    evidence: Evidence


@dataclass(frozen=True)
class Measure:
    """A named policy measure; ``kind`` is the specific ``pkg:`` class."""

    name: str
    kind: MeasureKind
    aliases: tuple[str, ...] = ()
    issuer: str | None = None  # organization name
    district: str | None = None  # adcode
    version_of: str | None = None  # for 送审稿/征求意见稿 versions: the measure they draft
    evidence: tuple[Evidence, ...] = ()
    document_number: str | None = None  # a policy document's 文号 ("某政发〔2019〕1号")
    part_of: str | None = None  # a clause of a policy document: the document's name

    @property
    def ref(self) -> EntityRef:
        return EntityRef("measure", self.name)


@dataclass(frozen=True)
class Project:
    name: str
    aliases: tuple[str, ...] = ()
    district: str | None = None  # adcode
    evidence: tuple[Evidence, ...] = ()
    operator: str | None = None  # organization that builds or runs it ("由X建设", "X主建")
    planned_completion: str | None = None  # ISO date / year-month / year it is to be finished or open
    batch: bool = False  # the batch of projects a signing / groundbreaking event announces

    @property
    def ref(self) -> EntityRef:
        return EntityRef("project", self.name)


#: What kind of money an amount is (``pkg:amountKind``, documented in kg/model/ontology.ttl).
AMOUNT_KINDS = ("SubsidyOrAward", "BudgetOrFund", "Investment", "Financing", "OutputOrRevenue",
                "ContractValue", "Threshold", "RatePerUnit", "OtherAmount")
#: The kinds that are money funding something: the only ones funding totals add up.
FUNDING_KINDS = frozenset({"SubsidyOrAward", "BudgetOrFund", "Investment", "Financing"})


@dataclass(frozen=True)
class FundingAmount:
    """A money amount (in yuan unless ``currency`` says otherwise), attached to the entity it
    belongs to. A vague amount ("数十亿元") has ``low`` set and ``value`` is its upper bound."""

    as_written: str
    value: float
    qualifier: Qualifier
    purpose: str | None
    attached_to: EntityRef | None
    evidence: Evidence
    per_unit: bool = False  # "每人5000元": a rate, not a total
    kind: str = "OtherAmount"  # one of AMOUNT_KINDS
    currency: str = "CNY"  # ISO 4217
    low: float | None = None
    restated: tuple[Evidence, ...] = ()  # the same amount stated again (a headline and its body)

    @property
    def is_funding(self) -> bool:
        """Whether the amount funds something (and so counts in funding totals)."""
        return self.kind in FUNDING_KINDS


@dataclass(frozen=True)
class Relation:
    """Any other stated fact between two entities (signed_agreement_with, chaired, attended,
    issued, implements, located_in, partner_of)."""

    subject: EntityRef
    predicate: str
    object: EntityRef
    evidence: Evidence
    date: str | None = None


@dataclass
class DocumentFacts:
    """Everything extracted from one document, in normalized-text coordinates."""

    districts: list[District] = field(default_factory=list)
    organizations: list[Organization] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    funding: list[FundingAmount] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    post_changes: list[PostChange] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.__dataclass_fields__}


ChangeKind = Literal["Appointed", "Removed", "Elected", "Resigned", "Nominated"]
#: Changes after which the person holds the post (org:holds); removals and resignations end one.
HOLDING_CHANGES: frozenset[str] = frozenset({"Appointed", "Elected", "Nominated"})


@dataclass(frozen=True)
class PostChange:
    """A stated change of post (任免): ``kind`` is the ``pkg:`` change kind; ``date`` the decision or
    meeting date the text gives (ISO date, year-month or year), None when it states none."""

    person: str
    kind: ChangeKind
    role: str
    org: str | None
    as_written: str
    date: str | None
    evidence: Evidence
