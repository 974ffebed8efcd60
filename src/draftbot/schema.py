"""The JSON Schema of the report data file, generated from the models."""

from __future__ import annotations

import json

from .model import Report


def report_schema() -> dict[str, object]:
    schema = Report.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "draftbot 政府信息公开工作年度报告数据"
    return schema


def report_schema_text() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2) + "\n"
