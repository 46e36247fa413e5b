"""Templates `make fuzz` (target cloudformation) found to raise from `load_template`: a control
character or a bad escape in a property *name* raised the json module's JSONDecodeError, which
only property *values* turned into a syntax error with its line. The CLI classifies a file
before loading it and never met it; `load_template` callers that do not (the CDK validation
plugin) did."""

from __future__ import annotations

import pytest

from linter.cloudformation.parse import TemplateSyntaxError, load_text


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('{"Resour\x01ces": {}}', 1),
        ('{\n  "Resources": {\n    "A\\x": {}\n  }\n}\n', 3),
        ('{\n  "Resources": {"A": {"Type\ttab": 1}}\n}', 2),
    ],
)
def test_a_bad_property_name_is_a_syntax_error_with_its_line(text: str, line: int) -> None:
    with pytest.raises(TemplateSyntaxError) as info:
        load_text(text, ".json")
    assert info.value.line == line
