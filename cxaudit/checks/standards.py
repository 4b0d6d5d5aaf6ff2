"""The accessibility standards a profile can name, as axe-core tags."""

#: axe-core tags of each standard a profile can name; each includes the levels below it.
STANDARD_TAGS: dict[str, tuple[str, ...]] = {
    "wcag2a": ("wcag2a",),
    "wcag2aa": ("wcag2a", "wcag2aa"),
    "wcag21a": ("wcag2a", "wcag21a"),
    "wcag21aa": ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa"),
    "wcag22a": ("wcag2a", "wcag21a", "wcag22a"),
    "wcag22aa": ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"),
    "wcag22aaa": (
        "wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag21aaa", "wcag22aa", "wcag22aaa"
    ),
    "aaa": (
        "wcag2a", "wcag2aa", "wcag2aaa", "wcag21a", "wcag21aa", "wcag21aaa", "wcag22aa", "wcag22aaa"
    ),
}  # fmt: skip
DEFAULT_STANDARD = "wcag22aa"
