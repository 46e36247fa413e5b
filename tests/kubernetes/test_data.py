"""data/kubernetes.toml: every entry cites a source the file defines, with a URL, and the
controllers' values the interpretation relies on are there."""

from __future__ import annotations

from typing import Any

from linter.kubernetes.interpret import data


def _entries(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if "sources" in node:
            found.append(node)
        for value in node.values():
            found.extend(_entries(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_entries(item))
    return found


def test_every_entry_cites_a_defined_source() -> None:
    doc = data()
    sources = doc["source"]
    assert all(s["url"].startswith("https://") and s["title"] for s in sources.values())
    entries = _entries({k: v for k, v in doc.items() if k != "source"})
    assert len(entries) >= 9
    for entry in entries:
        assert entry["sources"] and set(entry["sources"]) <= set(sources), entry
    assert doc["meta"]["checked"] == "2026-12-03"


def test_the_controllers_values_are_the_documented_ones() -> None:
    doc = data()
    assert {c["value"] for c in doc["service"]["class"]} == {
        "service.k8s.aws/nlb",
        "eks.amazonaws.com/nlb",
    }
    assert {t["value"] for t in doc["service"]["type"]} == {"external", "nlb-ip", "nlb"}
    assert {c["value"] for c in doc["ingress"]["controller"]} == {
        "ingress.k8s.aws/alb",
        "eks.amazonaws.com/alb",
    }
