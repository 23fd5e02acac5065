"""What the tokens were for: each source's purpose attributes, the admin's mapping, and usage.by_purpose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from evidence.facts.usage import by_purpose
from evidence.models import ImportBatch, Purpose, PurposeLabel, UsageFact
from tests.evidence.usage_files import FIXTURES, import_file, import_ok

pytestmark = pytest.mark.django_db


def otlp_line(resource: dict[str, str], event: dict[str, Any]) -> str:
    """One line of the collector's file exporter: resource attributes as OTEL_RESOURCE_ATTRIBUTES sets them."""

    def attributes(values: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"key": key, "value": {"intValue": str(value)} if isinstance(value, int) else {"stringValue": value}}
            for key, value in values.items()
        ]

    log = {"timeUnixNano": "1777890000000000000", "attributes": attributes(event)}
    return json.dumps(
        {"resourceLogs": [{"resource": {"attributes": attributes(resource)}, "scopeLogs": [{"logRecords": [log]}]}]}
    )


API_REQUEST = {
    "event.name": "api_request",
    "session.id": "s-1",
    "user.email": "dev@corp.com",
    "model": "claude-sonnet-4-5",
    "input_tokens": 100,
    "output_tokens": 10,
    "request_id": "req-1",
}


def purposes(source: str) -> list[str]:
    return sorted(UsageFact.objects.filter(source=source).values_list("purpose", flat=True))


def test_otel_resource_attributes_are_the_purpose(tmp_path: Path) -> None:
    path = tmp_path / "otel.jsonl"
    resource = {"service.name": "claude-code", "department": "payments", "team.id": "team-42", "cost_center": "cc-7"}
    path.write_text(otlp_line(resource, API_REQUEST) + "\n")
    import_ok("claude-code-otel", path)
    assert purposes("claude-code-otel") == ["department=payments|team.id=team-42|cost_center=cc-7"]
    labels = PurposeLabel.objects.values_list("attribute", "value")
    assert sorted(labels) == [("cost_center", "cc-7"), ("department", "payments"), ("team.id", "team-42")]


def test_otel_token_type_is_the_token_kind_not_a_purpose(tmp_path: Path) -> None:
    path = tmp_path / "otel.jsonl"
    path.write_text(otlp_line({"service.name": "claude-code"}, API_REQUEST) + "\n")
    import_ok("claude-code-otel", path)
    assert purposes("claude-code-otel") == [""]


def test_litellm_tags_and_team_are_the_purpose(tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "litellm_spend_logs.json").read_text())
    page["data"][0].update(request_tags=["claude-code", "incident"], team_alias="Platform")
    page["data"][0]["metadata"]["tags"] = ["oncall"]
    path = tmp_path / "spend.json"
    path.write_text(json.dumps(page))
    import_ok("litellm-spend", path)
    assert purposes("litellm-spend") == [
        "request_tags=claude-code|request_tags=incident|tags=oncall|team_id=team-plat|team_alias=Platform",
        "request_tags=claude-code|team_id=team-plat",
    ]


def test_litellm_csv_tags_are_read_from_their_json_text(tmp_path: Path) -> None:
    lines = (FIXTURES / "litellm_spend_logs.csv").read_text().splitlines()
    header, row = lines[0] + ",request_tags", lines[1] + ',"[""review"", ""claude-code""]"'
    row = row.replace(",{},", ',"{""tags"": [""oncall""], ""user_api_key_team_alias"": ""Platform""}",')
    path = tmp_path / "spend.csv"
    path.write_text(f"{header}\n{row}\n")
    import_ok("litellm-spend", path)
    assert purposes("litellm-spend") == [
        "request_tags=review|request_tags=claude-code|tags=oncall|team_id=team-plat|team_alias=Platform"
    ]


def test_a_tag_longer_than_64_characters_rejects_the_file_naming_the_field(tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "litellm_spend_logs.json").read_text())
    page["data"][1]["request_tags"] = ["please look at the failing checkout test and tell me why it is flaky now"]
    path = tmp_path / "prose.json"
    path.write_text(json.dumps(page))
    batch = import_file("litellm-spend", path).batches[0]
    assert batch.status == ImportBatch.Status.REJECTED
    assert "prose.json, line 1, record 2: field 'request_tags[0]' is 72 characters long" in batch.error
    assert "a purpose value is a tag of at most 64 characters, not prose" in batch.error


def test_a_tag_with_a_line_break_is_rejected(tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "litellm_spend_logs.json").read_text())
    page["data"][0]["team_alias"] = "platform\nteam"
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(page))
    batch = import_file("litellm-spend", path).batches[0]
    assert "broken.json, line 1, record 1: field 'team_alias'" in batch.error
    assert "is not a tag" in batch.error


def test_openai_project_is_the_purpose_and_the_projects_list_names_it(tmp_path: Path) -> None:
    import_ok("openai-usage", "openai_usage.json")
    assert set(purposes("openai-usage")) == {"project_id=proj_abc"}
    projects = tmp_path / "projects.json"
    projects.write_text(
        json.dumps(
            {"object": "list", "data": [{"id": "proj_abc", "object": "organization.project", "name": "Checkout"}]}
        )
    )
    import_ok("openai-projects", projects)
    assert PurposeLabel.objects.get(attribute="project_id", value="proj_abc").name == "Checkout"
    assert [row["purpose"] for row in by_purpose(list(UsageFact.objects.all()))] == ["project_id=proj_abc (Checkout)"]


def test_anthropic_workspace_and_api_key_names_are_the_purpose() -> None:
    import_ok("anthropic-usage", "anthropic_usage.json")
    assert any(purpose.startswith("workspace_id=wrkspc_") for purpose in purposes("anthropic-usage"))
    import_ok("claude-code-analytics", "claude_code_analytics.json")
    assert purposes("claude-code-analytics") == ["", "api_key_name=ci-review-bot"]


def test_the_generic_csv_purpose_column_names_a_purpose_directly(tmp_path: Path) -> None:
    lines = (FIXTURES / "generic.csv").read_text().splitlines()
    rows = [
        lines[0] + ",purpose",
        *(line + ",Review" for line in lines[1:]),
        *(line + ",spike-42" for line in lines[1:]),
    ]
    path = tmp_path / "purpose.csv"
    path.write_text("\n".join(rows) + "\n")
    batch = import_ok("csv", path)
    assert batch.created == 2 * (len(lines) - 1)  # the purpose is part of the row's key
    summary = by_purpose(list(UsageFact.objects.all()))
    assert [(row["purpose"], row["mapped"]) for row in summary] == [("purpose=spike-42", False), ("review", True)]


def test_an_admin_maps_a_label_to_a_purpose_and_by_purpose_follows(tmp_path: Path) -> None:
    page = json.loads((FIXTURES / "litellm_spend_logs.json").read_text())
    page["data"][0]["request_tags"] = ["incident"]
    path = tmp_path / "spend.json"
    path.write_text(json.dumps(page))
    import_ok("litellm-spend", path)
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", "root@example.com", "pw"))
    listing = client.get("/admin/evidence/purposelabel/?mapped=no").content.decode()
    assert "incident" in listing
    assert "team-plat" in listing
    label = PurposeLabel.objects.get(attribute="request_tags", value="incident")
    response = client.post(
        f"/admin/evidence/purposelabel/{label.pk}/change/", {"purpose": Purpose.objects.get(name="incident").pk}
    )
    assert response.status_code == 302
    summary = by_purpose(list(UsageFact.objects.all()))
    assert [(row["purpose"], row["mapped"], row["tokens"]) for row in summary] == [
        ("incident", True, 9920),
        ("request_tags=claude-code|team_id=team-plat", False, 2300),
    ]


def test_the_console_csv_workspace_and_key_names_are_the_purpose() -> None:
    import_ok("anthropic-usage", FIXTURES / "field" / "case04_anthropic_console_usage.csv")
    assert purposes("anthropic-usage") == [
        "workspace_id=Claude Code|api_key_id=claude_code_key_ana_x1",
        "workspace_id=Default|api_key_id=ci-review-bot",
    ]
