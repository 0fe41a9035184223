"""The scenarios that ship with multitrack."""

from __future__ import annotations

from importlib import resources

_PACKAGE = "multitrack.scenario.builtin"


def names() -> list[str]:
    """Names of the built-in scenarios, in alphabetical order."""
    files = resources.files(_PACKAGE).iterdir()
    return sorted(f.name[: -len(".yaml")] for f in files if f.name.endswith(".yaml"))


def path(name: str) -> str:
    """A path that names the built-in in messages (inside the installed package)."""
    return str(resources.files(_PACKAGE) / f"{name}.yaml")


def text(name: str) -> str:
    return (resources.files(_PACKAGE) / f"{name}.yaml").read_text(encoding="utf-8")


def describe(name: str) -> str:
    """The built-in's one-line description (its ``title`` field), read without validation."""
    from ruamel.yaml import YAML  # only here: loading a scenario reads it with libyaml

    data = YAML(typ="safe", pure=True).load(text(name))
    return str(data.get("title", name))
