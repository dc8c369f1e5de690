"""Property: `Report.to_json()` never raises and stays one JSON object, whatever text findings carry."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from obverify._core.errors import WarningCode
from obverify._core.report import Collector, Report


@given(st.text(), st.text(), st.one_of(st.none(), st.text()))
def test_to_json_never_raises(message: str, path: str, url: str | None) -> None:
    out = Collector(Report())
    out.error("input_invalid", message, stage="sniff", path=path, url=url)
    out.warn(WarningCode.SCHEMA_WARNING, message, stage="sniff")
    report = out.finish()
    data = json.loads(report.to_json())
    assert isinstance(data, dict)
    assert data["valid"] is False
