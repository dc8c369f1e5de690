"""Write obverify's own OB 3.0 JSON Schemas into `schemas/ob3/`: `python scripts/make_ob3_schemas.py [DIR]`.

The schemas are written from OB 3.0 Appendix B (the data model: classes, cardinalities, the extensible
enumerations B.1.28-B.1.32), not copied from the official files. Like the official schemas they come in two
families: the per-data-model credential schemas (issuer by URL or Profile) and the "any" schemas used for
verification of credentials of either data model (issuer as a Profile object). Only the top-level `proof`,
`credentialSchema` and `termsOfUse` accept the compacted single value. Re-running it reproduces the committed
files byte for byte; `obverify._engines.schemas` evaluates them with its own interpreter, so use only the
keywords it supports.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

OUT = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "schemas" / "ob3"
BASE = "https://obverify.invalid/schemas/ob3/"
DRAFT = "https://json-schema.org/draft/2020-12/schema"
S = {"type": "string"}
NUM = {"type": "number"}
DT = {"type": "string", "format": "date-time"}
ISSUER_REF = ["ProfileRef"]
EXT = "^ext:[A-Za-z0-9._|-]+$"

def typed(name):  # a type list that must contain `name` (Appendix B: "unordered set")
    return {"type": "array", "minItems": 1, "items": S, "contains": {"const": name}}

def arr(ref):
    return {"type": "array", "items": ref}

def r(name):
    return {"$ref": f"#/$defs/{name}"}

def ext_enum(values):
    return {"anyOf": [{"enum": values}, {"type": "string", "pattern": EXT}]}

def obj(required, props, extra=True):
    out = {"type": "object", "required": required, "properties": props}
    if not extra:
        out["additionalProperties"] = False
    return out

ACH_TYPES = ["Achievement", "ApprenticeshipCertificate", "Assessment", "Assignment", "AssociateDegree", "Award",
    "Badge", "BachelorDegree", "Certificate", "CertificateOfCompletion", "Certification", "CommunityService",
    "Competency", "Course", "CoCurricular", "Degree", "Diploma", "DoctoralDegree", "Fieldwork",
    "GeneralEducationDevelopment", "JourneymanCertificate", "LearningProgram", "License", "Membership",
    "ProfessionalDoctorate", "QualityAssuranceCredential", "MasterCertificate", "MasterDegree", "MicroCredential",
    "ResearchDoctorate", "SecondarySchoolDiploma"]
TARGET_TYPES = ["ceasn:Competency", "ceterms:Credential", "CFItem", "CFRubric", "CFRubricCriterion",
    "CFRubricCriterionLevel", "CTDL"]
ID_TYPES = ["name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId", "sisSourcedId", "ltiContextId",
    "ltiDeploymentId", "ltiToolId", "ltiPlatformId", "ltiUserId", "identifier"]
RESULT_TYPES = ["GradePointAverage", "LetterGrade", "Percent", "PerformanceLevel", "PredictedScore", "RawScore",
    "Result", "RubricCriterion", "RubricCriterionLevel", "RubricScore", "ScaledScore", "Status"]
RESULT_STATUS = ["Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"]
LANG = {"type": "string", "pattern": "^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$"}
JWS = {"type": "string", "pattern": "^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*\\.[A-Za-z0-9_-]+$"}
OB_CTX = {"type": "string", "pattern": "^https://purl\\.imsglobal\\.org/spec/ob/v3p0/context(-3\\.[0-9]\\.[0-9])*\\.json$"}
CONTEXT_ENTRY = {"anyOf": [S, {"type": "object"}]}

def contexts(vc):
    return {"type": "array", "minItems": 2, "prefixItems": [{"const": vc}, OB_CTX], "items": CONTEXT_ENTRY}

def cred_types(*names):
    return {"allOf": [typed("VerifiableCredential"),
                      {"type": "array", "contains": {"enum": list(names)}}]}

def one_or_many(ref):
    return {"anyOf": [ref, arr(ref)]}

ADDRESS_PARTS = ("addressCountry", "addressCountryCode", "addressRegion", "addressLocality", "streetAddress",
                 "postOfficeBoxNumber", "postalCode")

defs = {
    "Image": obj(["id", "type"], {"id": S, "type": {"const": "Image"}, "caption": S}, extra=False),
    "IdentityObject": obj(["type", "hashed", "identityHash", "identityType"], {
        "type": {"const": "IdentityObject"}, "hashed": {"type": "boolean"}, "identityHash": S,
        "identityType": ext_enum(ID_TYPES), "salt": S}, extra=False),
    "IdentifierEntry": obj(["type", "identifier", "identifierType"], {
        "type": {"const": "IdentifierEntry"}, "identifier": S, "identifierType": ext_enum(ID_TYPES)}, extra=False),
    "GeoCoordinates": obj(["type", "latitude", "longitude"], {"type": {"const": "GeoCoordinates"},
                                                              "latitude": NUM, "longitude": NUM}),
    "Address": obj(["type"], {"type": typed("Address"), **dict.fromkeys(ADDRESS_PARTS, S), "geo": r("GeoCoordinates")}),
    "Criteria": obj([], {"id": S, "narrative": S}),
    "Alignment": obj(["type", "targetName", "targetUrl"], {"type": typed("Alignment"), "targetCode": S,
        "targetDescription": S, "targetName": S, "targetFramework": S, "targetType": ext_enum(TARGET_TYPES),
        "targetUrl": S}),
    "Related": obj(["id", "type"], {"id": S, "type": typed("Related"), "inLanguage": LANG, "version": S}),
    "RubricCriterionLevel": obj(["id", "type", "name"], {"id": S, "type": typed("RubricCriterionLevel"),
        "alignment": arr(r("Alignment")), "description": S, "level": S, "name": S, "points": S}),
    "ResultDescription": obj(["id", "type", "name", "resultType"], {"id": S, "type": typed("ResultDescription"),
        "alignment": arr(r("Alignment")), "allowedValue": arr(S), "name": S, "requiredLevel": S,
        "requiredValue": S, "resultType": ext_enum(RESULT_TYPES),
        "rubricCriterionLevel": arr(r("RubricCriterionLevel")),
        "valueMax": S, "valueMin": S}),
    "Result": obj(["type"], {"type": typed("Result"), "achievedLevel": S, "alignment": arr(r("Alignment")),
        "resultDescription": S, "status": {"enum": RESULT_STATUS}, "value": S}),
    "Evidence": obj(["type"], {"id": S, "type": typed("Evidence"), "narrative": S, "name": S, "description": S,
                               "genre": S, "audience": S}),
    "Proof": obj(["type"], {"type": S, "created": DT, "cryptosuite": S, "challenge": S, "domain": S, "nonce": S,
                            "proofPurpose": S, "proofValue": S, "verificationMethod": S}),
    "CredentialSchema": obj(["id", "type"], {"id": S, "type": S}),
    "CredentialStatus": obj(["id", "type"], {"id": S, "type": S}),
    "RefreshService": obj(["id", "type"], {"id": S, "type": S}),
    "TermsOfUse": obj(["type"], {"id": S, "type": S}),
    "EndorsementSubject": obj(["id", "type"], {"id": S, "type": typed("EndorsementSubject"),
                                               "endorsementComment": S}),
}

NAME_PARTS = ("familyName", "givenName", "additionalName", "patronymicName", "honorificPrefix", "honorificSuffix",
              "familyNamePrefix")


def profile(v):
    e = "EndorsementCredential" + v
    return obj(["id", "type"], {"id": S, "type": typed("Profile"), "name": S, "url": S, "phone": S,
        "description": S, "endorsement": arr(r(e)), "endorsementJwt": arr(JWS), "image": r("Image"), "email": S,
        "address": r("Address"), "otherIdentifier": arr(r("IdentifierEntry")), "official": S,
        "parentOrg": r("Profile" + v), **dict.fromkeys(NAME_PARTS, S),
        "dateOfBirth": {"type": "string", "format": "date"}})

def achievement(v):
    return obj(["id", "type", "criteria", "description", "name"], {"id": S, "type": typed("Achievement"),
        "alignment": arr(r("Alignment")), "achievementType": ext_enum(ACH_TYPES), "creator": r("Profile" + v),
        "creditsAvailable": NUM, "criteria": r("Criteria"), "description": S,
        "endorsement": arr(r("EndorsementCredential" + v)), "endorsementJwt": arr(JWS), "fieldOfStudy": S,
        "humanCode": S, "image": r("Image"), "inLanguage": LANG, "name": S,
        "otherIdentifier": arr(r("IdentifierEntry")), "related": arr(r("Related")),
        "resultDescription": arr(r("ResultDescription")), "specialization": S, "tag": arr(S), "version": S})

def subject(v):
    return obj(["type", "achievement"], {"id": S, "type": typed("AchievementSubject"), "activityEndDate": DT,
        "activityStartDate": DT, "creditsEarned": NUM, "achievement": r("Achievement" + v),
        "identifier": arr(r("IdentityObject")), "image": r("Image"), "licenseNumber": S, "narrative": S,
        "result": arr(r("Result")), "role": S, "source": r("Profile" + v), "term": S})

def dates(v):
    return ({"validFrom": DT, "validUntil": DT}, "validFrom") if v == "" else (
        {"issuanceDate": DT, "expirationDate": DT}, "issuanceDate")

def common(v, top):
    """Properties every credential shares; `top`: the top-level credential, whose compacted single values
    (proof, type, credentialSchema, termsOfUse) are accepted as well as arrays."""
    many = one_or_many if top else arr
    d, _ = dates(v)
    return {"id": S, "name": S, "description": S, "awardedDate": DT, **d,
            "proof": many(r("Proof")), "credentialSchema": many(r("CredentialSchema")),
            "credentialStatus": r("CredentialStatus"), "refreshService": r("RefreshService"),
            "termsOfUse": many(r("TermsOfUse"))}

def endorsement(v, top=False):
    vc = "https://www.w3.org/ns/credentials/v2" if v == "" else "https://www.w3.org/2018/credentials/v1"
    _, start = dates(v)
    t = cred_types("EndorsementCredential")
    props = {"@context": contexts(vc), "type": t, **common(v, top),
             "credentialSubject": r("EndorsementSubject"),
             "issuer": r(ISSUER_REF[0]) if v == "" else r("Profile" + v)}
    return obj(["@context", "type", "id", "name", "credentialSubject", "issuer", start], props)


def achievement_credential(v, top=True):
    vc = "https://www.w3.org/ns/credentials/v2" if v == "" else "https://www.w3.org/2018/credentials/v1"
    _, start = dates(v)
    t = cred_types("AchievementCredential", "OpenBadgeCredential")
    props = {"@context": contexts(vc), "type": t, **common(v, top), "image": r("Image"),
             "credentialSubject": r("AchievementSubject" + v), "endorsement": arr(r("EndorsementCredential" + v)),
             "endorsementJwt": arr(JWS), "evidence": arr(r("Evidence")),
             "issuer": r(ISSUER_REF[0]) if v == "" else r("Profile" + v)}
    req = ["@context", "id", "type", "credentialSubject", "issuer", start]
    if v:
        req.insert(3, "name")
    return obj(req, props)

def build_defs():
  for v in ("", "v1p1"):
    defs["Profile" + v] = profile(v)
    defs["Achievement" + v] = achievement(v)
    defs["AchievementSubject" + v] = subject(v)
    defs["EndorsementCredential" + v] = endorsement(v)
  defs["ProfileRef"] = {"anyOf": [S, r("Profile")]}
build_defs()



def write(name, title, body):
    body = copy.deepcopy(body)
    doc = {"$schema": DRAFT, "$id": BASE + name, "title": title,
           "$comment": "obverify's own schema, written from OB 3.0 Appendix B (data model); not the official file.",
           **body, "$defs": copy.deepcopy(defs)}
    (OUT / name).write_text(json.dumps(doc, indent=1) + "\n")

def family():
    ac2, ac1 = achievement_credential(""), achievement_credential("v1p1")
    en2, en1 = endorsement("", top=True), endorsement("v1p1", top=True)
    return ac2, ac1, en2, en1

# The "credential" schemas name the issuer by URL or Profile (ProfileRef, OB 3.0 errata); the "any" schemas,
# written for verification of credentials of either data model, require the issuer Profile object.
ac2, ac1, en2, en1 = family()
write("achievementcredential.json", "AchievementCredential (VCDM 2.0)", ac2)
write("achievementcredential-v1p1.json", "AchievementCredential (VCDM 1.1)", ac1)
write("endorsementcredential.json", "EndorsementCredential (VCDM 2.0)", en2)
write("endorsementcredential-v1p1.json", "EndorsementCredential (VCDM 1.1)", en1)
write("profile.json", "Profile", {"$ref": "#/$defs/Profile"})
ISSUER_REF[0] = "Profile"
build_defs()
ac2, ac1, en2, en1 = family()
write("anyachievementcredential.json", "AchievementCredential on VCDM 2.0 or 1.1", {"oneOf": [ac2, ac1]})
write("anyendorsementcredential.json", "EndorsementCredential on VCDM 2.0 or 1.1", {"oneOf": [en2, en1]})
