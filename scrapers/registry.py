"""The portal registry: which portals exist, how to reach them and which CMS adapter reads them.

It is configuration (config/portals.yaml), not code: adding a portal of a known CMS family is one entry.
Values may reference environment variables as ``${NAME}`` or ``${NAME:-default}`` so that the same file
serves production and the local simulator (whose ports are chosen at run time).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

DEFAULT_REGISTRY = Path(__file__).resolve().parent.parent / "config" / "portals.yaml"
REGISTRY_ENV = "DIRECTIVES_REGISTRY"
LEVELS = ("province", "city", "district", "organ")
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{1,62}$")
_ENV_REF = re.compile(r"\$\{([A-Z0-9_]+)(?::-([^}]*))?\}")


class RegistryError(ValueError):
    """The registry file is unreadable or an entry is invalid; the message names the entry and the field."""


# Every key an entry may have: anything else is a typo (`enabeld`) that would otherwise be ignored silently.
ENTRY_KEYS = (
    "id",
    "name",
    "province",
    "level",
    "base_url",
    "cms",
    "listing_paths",
    "schedule",
    "rate_limit_per_sec",
    "enabled",
    "verified",
    "options",
)
PROVINCE_KEYS = ("name", "code", "merged_into")


def did_you_mean(word: str, choices: list[str] | tuple[str, ...]) -> str:
    """' (did you mean 'enabled'?)' for the closest choice, or '' when none is close."""
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _check_keys(
    keys: Any, allowed: tuple[str, ...] | list[str], what: str, where: str, lines: Mapping
) -> None:
    for key in keys:
        if key not in allowed:
            raise RegistryError(
                f"{_at(lines, key)}{where}: unknown {what} {key!r}{did_you_mean(key, allowed)}; "
                f"known: {', '.join(sorted(allowed))}"
            )


def _at(lines: Mapping[str, Any], key: str = "") -> str:
    """'line N: ' of a key (else of its entry), or '' when the line is not known."""
    line = lines.get(key) or lines.get("")
    return f"line {line}: " if line else ""


@dataclass(frozen=True)
class Portal:
    id: str
    name: str
    province_name: str
    province_code: str
    level: str
    base_url: str
    cms: str
    listing_paths: tuple[str, ...]
    schedule: str | None = "@daily"
    rate_limit_per_sec: float = 1.0
    enabled: bool = True
    verified: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    # The province a portal's documents belong to since the 1 July 2025 merger of provinces.
    province_merged_into: str | None = None

    @property
    def dag_id(self) -> str:
        return "ingest_" + self.id.replace("-", "_")

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc

    def listing_urls(self) -> list[str]:
        return [self.base_url.rstrip("/") + "/" + path.lstrip("/") for path in self.listing_paths]


def expand_env(value: str, env: Mapping[str, str] | None = None) -> str:
    env = os.environ if env is None else env

    def replace(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise RegistryError(f"environment variable {name} is not set (referenced in the registry)")

    return _ENV_REF.sub(replace, value)


def _require(entry: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in entry or entry[key] in (None, ""):
        raise RegistryError(f"{where}: missing required field '{key}'")
    return entry[key]


def portal_from_entry(
    entry: Mapping[str, Any], env: Mapping[str, str] | None = None, lines: Mapping[str, Any] | None = None
) -> Portal:
    """One validated entry. `lines` maps the entry's keys (and "options.<key>", "province.<key>") to their
    line in the file, so an error points at the line to fix."""
    lines = lines or {}
    if not isinstance(entry, Mapping):
        raise RegistryError(f"{_at(lines)}an entry must be a mapping of fields, got {type(entry).__name__}")
    where = f"portal {entry.get('id', '?')!r}"
    _check_keys(entry, ENTRY_KEYS, "field", where, lines)
    _where = where  # messages about one key give that key's line instead of the entry's
    where = _at(lines) + where
    portal_id = str(_require(entry, "id", where))
    if not _ID_PATTERN.match(portal_id):
        raise RegistryError(f"{where}: id must be lowercase letters, digits, '-' or '_' (it names a DAG)")
    province = _require(entry, "province", where)
    if not isinstance(province, Mapping) or not province.get("name"):
        raise RegistryError(f"{where}: 'province' needs a name and a code")
    _check_keys(province, PROVINCE_KEYS, "province field", _where, _prefixed(lines, "province"))
    level = str(_require(entry, "level", where))
    if level not in LEVELS:
        raise RegistryError(f"{where}: level {level!r} is not one of {', '.join(LEVELS)}")
    base_url = expand_env(str(_require(entry, "base_url", where)), env)
    if urlsplit(base_url).scheme not in ("http", "https") or not urlsplit(base_url).netloc:
        raise RegistryError(f"{where}: base_url {base_url!r} is not an absolute http(s) URL")
    paths = entry.get("listing_paths") or ["/"]
    rate = float(entry.get("rate_limit_per_sec", 1.0))
    if rate <= 0:
        raise RegistryError(f"{where}: rate_limit_per_sec must be positive")
    cms = str(_require(entry, "cms", where))
    options = entry.get("options") or {}
    if not isinstance(options, Mapping):
        raise RegistryError(f"{where}: 'options' must be a mapping, got {options!r}")
    _check_adapter(cms, options, _where, lines)
    _check_positive_int(options, "full_walk_every", _where, _prefixed(lines, "options"))
    return Portal(
        id=portal_id,
        name=str(_require(entry, "name", where)),
        province_name=str(province["name"]),
        province_code=str(province.get("code", "")),
        level=level,
        base_url=base_url,
        cms=cms,
        listing_paths=tuple(str(p) for p in paths),
        schedule=entry.get("schedule", "@daily"),
        rate_limit_per_sec=rate,
        enabled=bool(entry.get("enabled", True)),
        verified=bool(entry.get("verified", False)),
        options=dict(options),
        province_merged_into=province.get("merged_into"),
    )


def _prefixed(lines: Mapping[str, Any], prefix: str) -> dict[str, Any]:
    """The lines of a nested mapping's keys; its own line stands in for a key whose line is unknown."""
    nested = {k[len(prefix) + 1 :]: v for k, v in lines.items() if k.startswith(prefix + ".")}
    return {"": lines.get(prefix) or lines.get(""), **nested}


def _check_positive_int(options: Mapping[str, Any], name: str, where: str, lines: Mapping[str, Any]) -> None:
    """An option that counts something (runs, pages) must be a whole number of at least 1."""
    if name not in options:
        return
    value = options[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RegistryError(
            f"{_at(lines, name)}{where}: options.{name} must be a whole number of at least 1, got {value!r}"
        )


def _check_adapter(cms: str, options: Mapping[str, Any], where: str, lines: Mapping[str, Any]) -> None:
    """The CMS family exists, and each option is one its adapter declares (a misspelt option would
    otherwise be ignored and the default used without a word)."""
    from scrapers.adapters import ADAPTERS  # the adapters import this module (Portal)

    if cms not in ADAPTERS:
        raise RegistryError(
            f"{_at(lines, 'cms')}{where}: unknown cms {cms!r}{did_you_mean(cms, sorted(ADAPTERS))}; "
            f"known: {', '.join(sorted(ADAPTERS))}"
        )
    declared = sorted(ADAPTERS[cms].declared_options())
    _check_keys(options, declared, f"option for cms {cms}", where, _prefixed(lines, "options"))


def _key_lines(text: str) -> list[dict[str, int]]:
    """Per entry of the `portals:` list, the 1-based line of the entry ("") and of each of its keys."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    portals = next((v for k, v in root.value if getattr(k, "value", None) == "portals"), None)
    if not isinstance(portals, yaml.SequenceNode):
        return []
    result = []
    for node in portals.value:
        lines: dict[str, int] = {"": node.start_mark.line + 1}
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[str(key.value)] = key.start_mark.line + 1
                if isinstance(value, yaml.MappingNode):
                    for sub_key, _ in value.value:
                        lines[f"{key.value}.{sub_key.value}"] = sub_key.start_mark.line + 1
        result.append(lines)
    return result


def load_registry(
    path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None
) -> list[Portal]:
    """Read and validate every portal entry; ids must be unique."""
    path = Path(path or os.environ.get(REGISTRY_ENV) or DEFAULT_REGISTRY)
    try:
        text = path.read_text(encoding="utf-8")
        document = yaml.safe_load(text) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise RegistryError(f"cannot read portal registry {path}: {exc}") from exc
    entries = document.get("portals") if isinstance(document, Mapping) else None
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: expected a top-level 'portals:' list")
    lines = _key_lines(text)
    portals = []
    for index, entry in enumerate(entries):
        try:
            portals.append(portal_from_entry(entry, env, lines[index] if index < len(lines) else None))
        except RegistryError as exc:
            raise RegistryError(f"{path}: {exc}") from None
    seen: set[str] = set()
    for portal in portals:
        if portal.id in seen:
            raise RegistryError(f"{path}: portal id {portal.id!r} appears twice")
        seen.add(portal.id)
    return portals


def get_portal(portal_id: str, path: str | os.PathLike[str] | None = None) -> Portal:
    for portal in load_registry(path):
        if portal.id == portal_id:
            return portal
    raise RegistryError(f"no portal {portal_id!r} in the registry")
