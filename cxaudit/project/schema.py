"""JSON Schema of journey, fragment and config files, built from the models.

Editors with a YAML language server (VS Code, JetBrains, Neovim) use it for
completion and inline errors. It is generated from the same pydantic models
and action registry the loader validates with, so it cannot drift; the
loader stays the judge (it knows things a schema cannot say, such as
variables used before they have a value).
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from cxaudit.spec.actions import REGISTRY, ActionSpec
from cxaudit.spec.journey_file import FragmentFile, JourneyFile, StepOptions

DRAFT = "https://json-schema.org/draft/2020-12/schema"


class _Defs:
    """Collects the ``$defs`` of several models into one schema."""

    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def schema(self, model: type[BaseModel]) -> dict[str, Any]:
        found = model.model_json_schema(ref_template="#/$defs/{model}")
        self.defs.update(found.pop("$defs", {}))
        return found

    def ref(self, model: type[BaseModel], name: str | None = None) -> dict[str, Any]:
        name = name or model.__name__
        if name not in self.defs:
            self.defs[name] = self.schema(model)
        return {"$ref": f"#/$defs/{name}"}


def _step_schema(defs: _Defs, spec: ActionSpec, options: dict[str, Any]) -> dict[str, Any]:
    name = f"{spec.name.capitalize()}Args"
    args: dict[str, Any] = defs.ref(spec.args, name)
    if spec.shorthand is not None:
        # A plain value is the shorthand argument: the same schema as that
        # argument, numbers accepted where text is (the loader reads them as text).
        shorthand = dict(defs.defs[name]["properties"][spec.shorthand])
        if shorthand.get("type") == "string":
            shorthand["type"] = ["string", "number"]
        shorthand["description"] = f"Shorthand for {{{spec.shorthand}: ...}}"
        args = {"anyOf": [args, shorthand]}
    first_line = spec.doc.splitlines()[0] if spec.doc else spec.name
    return {
        "type": "object",
        "title": spec.name,
        "description": first_line,
        "properties": {spec.name: {**args, "description": first_line}, **options},
        "required": [spec.name],
        "additionalProperties": False,
    }


def journey_schema() -> dict[str, Any]:
    """The schema of a journey file or a fragment file (either validates)."""
    defs = _Defs()
    options = defs.schema(StepOptions)["properties"]
    defs.defs["Step"] = {
        "title": "Step",
        "description": "One action, with optional name, timeout, optional and audit.",
        "anyOf": [_step_schema(defs, spec, options) for spec in REGISTRY.values()],
    }
    steps = {"type": "array", "items": {"$ref": "#/$defs/Step"}, "minItems": 1}
    journey = defs.schema(JourneyFile)
    journey["properties"]["stages"] = {
        **journey["properties"]["stages"],
        "type": "object",
        "additionalProperties": steps,
        "minProperties": 1,
    }
    fragment = defs.schema(FragmentFile)
    fragment["properties"]["steps"] = {**fragment["properties"]["steps"], **steps}
    defs.defs["JourneyFile"] = journey
    defs.defs["FragmentFile"] = fragment
    return {
        "$schema": DRAFT,
        "title": "cxaudit journey or fragment",
        "description": "A cxaudit journey (journey: ...) or a fragment included with use: (fragment: ...).",
        "oneOf": [{"$ref": "#/$defs/JourneyFile"}, {"$ref": "#/$defs/FragmentFile"}],
        "$defs": dict(sorted(defs.defs.items())),
    }


def config_schema() -> dict[str, Any]:
    """The schema of cxaudit.yaml."""
    from cxaudit.project.config import Settings

    schema = Settings.model_json_schema(ref_template="#/$defs/{model}")
    return {"$schema": DRAFT, **schema, "title": "cxaudit project config (cxaudit.yaml)"}


def schema_text(kind: str = "journey") -> str:
    """The schema as the committed file holds it (stable key order, trailing newline)."""
    schema = journey_schema() if kind == "journey" else config_schema()
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
