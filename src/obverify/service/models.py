"""The seed's shapes as typed models: FastAPI turns them into `/openapi.json` (parchment-backpack-api.txt).

Field names are the seed's, camelCase included (`share_url` is snake case there too). Responses are
checked against these schemas by the schemathesis tests, so every field a response may leave out or set
to null says so here.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from obverify.service.db import storable


def _storable(value: str) -> str:
    if not storable(value):
        raise ValueError("text must not hold NUL characters or lone surrogates")
    return value


Text = Annotated[str, AfterValidator(_storable)]
"""A string every database stores as given (PostgreSQL refuses NUL; lone surrogates are no UTF-8)."""


class Status(BaseModel):
    """`status` of every envelope."""

    success: bool
    description: str


class Recipient(BaseModel):
    """The badge's recipient, and which of the user's identities it matched."""

    model_config = ConfigDict(extra="allow")
    identity: str | None = None
    hashed: bool | None = None
    type: str | None = None
    salt: str | None = None
    plaintextIdentity: str | None = None


class Evidence(BaseModel):
    """One piece of evidence (OB 2.0 Evidence / OB 3.0 Evidence)."""

    model_config = ConfigDict(extra="allow")
    url: str | None = None
    narrative: str | None = None
    name: str | None = None
    description: str | None = None
    genre: str | None = None
    audience: str | None = None


class Assertion(BaseModel):
    """A badge in a backpack: what `import_badge` built, plus the service's ids, times and acceptance."""

    model_config = ConfigDict(extra="allow")
    entityType: Literal["Assertion"] = "Assertion"
    id: str
    entityId: str
    openBadgeId: str | None = None
    createdAt: str
    createdBy: str
    badgeclass: str | None = None
    badgeclassOpenBadgeId: str | None = None
    issuer: str | None = None
    issuerOpenBadgeId: str | None = None
    image: str | None = None
    recipient: Recipient | None = None
    issuedOn: str | None = None
    narrative: str | None = None
    evidence: list[Evidence] = Field(default_factory=list)
    revoked: bool = False
    revocationReason: str | None = None
    acceptance: Literal["Accepted", "Unaccepted", "Rejected"]
    expires: str | None = None
    extensions: dict[str, Any] = Field(default_factory=dict)
    assertionRef: dict[str, str | None] | None = None
    badgeRef: dict[str, str | None] | None = None
    issuerRef: dict[str, str | None] | None = None
    pending: bool = False
    source: str = "local"
    sourceUrl: str | None = None
    originalJson: str | None = None
    imagePath: str | None = None
    ob3AwardProperties: dict[str, Any] | None = None


class CollectionOut(BaseModel):
    """A backpack collection as the seed shows it."""

    id: str
    entityId: str
    name: str
    description: str
    share_url: str | None = None
    shareHash: str | None = None
    published: bool
    owner: str
    assertions: list[str]
    entityType: Literal["BackpackCollection"] = "BackpackCollection"


class Envelope(BaseModel):
    """Every Backpack API answer: `status`, `result[]`, `timestamp` and the error and warning maps."""

    status: Status
    result: list[Any] = Field(default_factory=list)
    timestamp: str
    validationErrors: list[Any] = Field(default_factory=list)
    nonFieldErrors: list[str] = Field(default_factory=list)
    fieldErrors: dict[str, list[str]] = Field(default_factory=dict)
    errorCode: str | None = None
    warnings: dict[str, list[str]] = Field(default_factory=dict)


class AssertionEnvelope(Envelope):
    """An envelope whose `result` holds Assertions."""

    result: list[Assertion] = Field(default_factory=list)


class CollectionEnvelope(Envelope):
    """An envelope whose `result` holds collections."""

    result: list[CollectionOut] = Field(default_factory=list)


class ImportBody(BaseModel):
    """`POST /v2/backpack/import`: exactly one of the three (JSON, or multipart with `image` as a file)."""

    url: str | None = Field(None, description="URL of the badge to import (http or https)",
                            examples=["https://example.com/assertions/1"])
    assertion: dict[str, Any] | str | None = Field(
        None, description="OpenBadge JSON of the award to import, or a compact JWS/JWT")
    image: str | None = Field(
        None, description="Image URL, data URI or base64 of a baked image (multipart: a file)",
        examples=["https://example.com/assertions/1/image"])


class VerifyBody(ImportBody):
    """`POST /v1/verify`: the import inputs plus the identities to match and the instant to judge at."""

    recipient: list[str] = Field(default_factory=list, description="identities the badge must belong to")
    at: str | None = Field(None, description="ISO 8601 instant to judge validity at (default: now)")


class CollectionCreate(BaseModel):
    """`POST /v2/backpack/collections`."""

    name: Text = Field(min_length=1, max_length=255)
    description: Text = Field("", max_length=100_000)
    published: bool
    assertions: list[Text] = Field(default_factory=list, max_length=10_000)


class CollectionUpdate(BaseModel):
    """`PUT /v2/backpack/collections/{idOrEntityId}`: only the fields given change."""

    name: Text | None = Field(None, min_length=1, max_length=255)
    description: Text | None = Field(None, max_length=100_000)
    published: bool | None = None
    assertions: list[Text] | None = Field(None, max_length=10_000)


class AcceptanceUpdate(BaseModel):
    """`PUT /v2/backpack/assertions/{idOrEntityId}`: the new acceptance."""

    acceptance: Literal["Accepted", "Unaccepted", "Rejected"]


class Health(BaseModel):
    """`/healthz` and `/readyz`."""

    status: str
    checks: dict[str, str] = Field(default_factory=dict)
