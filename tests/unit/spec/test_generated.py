"""Generated reference and schema: committed copies equal the code's output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from cxaudit.project.docs import ROOT, outputs
from cxaudit.project.schema import config_schema, journey_schema
from cxaudit.spec.actions import REGISTRY

BROKEN = Path(__file__).parent / "broken"


@pytest.mark.parametrize("path", list(outputs()), ids=lambda p: p.name)
def test_committed_file_is_generated(path: Path) -> None:
    expected = outputs()[path]
    assert path.read_text(encoding="utf-8") == expected, (
        f"{path.relative_to(ROOT)} is out of date: run `make docs` (python -m cxaudit.project.docs)"
    )


def test_reference_names_every_action_and_argument() -> None:
    text = (ROOT / "docs" / "journeys.md").read_text(encoding="utf-8")
    for name, spec in REGISTRY.items():
        assert f"### `{name}`" in text
        for field in spec.args.model_fields:
            if field not in ("root",):
                assert f"`{spec.args.model_fields[field].alias or field}`" in text


def _validator() -> jsonschema.Draft202012Validator:
    schema = journey_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_schema_accepts_the_bundled_journeys_and_fragments() -> None:
    validator = _validator()
    files = sorted((ROOT / "journeys").rglob("*.yaml"))
    assert len(files) >= 4
    for path in files:
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], f"{path.name}: {errors[0].message[:300]}"


@pytest.mark.parametrize(
    "case",
    [
        "09-unknown-top-key",
        "13-unknown-action",
        "14-two-actions-in-a-step",
        "16-unknown-argument",
        "18-locator-two-kinds",
        "23-tags-not-a-list",
        "26-audit-unknown-key",
        "53-scroll-nowhere",
        "57-fragment-without-steps",
    ],
)
def test_schema_rejects_what_the_loader_rejects(case: str) -> None:
    data = yaml.safe_load((BROKEN / f"{case}.yaml").read_text(encoding="utf-8"))
    assert list(_validator().iter_errors(data)), case


def test_config_schema_accepts_the_scaffold() -> None:
    from cxaudit.project.init import scaffold_files

    config = next(f for f in scaffold_files() if f.path == "cxaudit.yaml")
    schema = config_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert (
        list(jsonschema.Draft202012Validator(schema).iter_errors(yaml.safe_load(config.text))) == []
    )


def test_schema_command_prints_the_committed_schema() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cxaudit", "schema"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(
        (ROOT / "docs" / "journey.schema.json").read_text(encoding="utf-8")
    )
