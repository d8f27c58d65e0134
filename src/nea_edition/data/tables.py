"""The edition's tables, typed, and the one way to load them.

Notebooks and tests load the data only through this module, so that every figure sees the same
validated rows with the same types: dates as ``datetime64``, years as nullable ``Int64``,
columns with an enum in ``datapackage.json`` as categoricals whose categories are that enum (in
its order, so sorting and legends follow the schema), ``covered_by_paper`` as ``bool``, other
text as pandas strings with missing values for empty cells. The types are read from
``datapackage.json``, the one place the schema is written.

``load_tables`` validates first (``nea_edition.checks.validation``) and refuses to return
anything if a single rule is broken: a wrong row must never reach a published figure. What the
figures compute from these tables (memberships by year, overlaps, orders) is in ``derived``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nea_edition import csvfile, paths
from nea_edition.checks.errors import ValidationError
from nea_edition.checks.validation import load_descriptor, parse_partial_date
from nea_edition.checks.validation import validate as validate_data
from nea_edition.paths import DECLARED_TABLES_ENV

TABLE_NAMES: tuple[str, ...] = (
    "administrations",
    "acting_presidents",
    "institutions",
    "countries",
    "memberships",
    "events",
    "global_korea_circles",
    "agenda",
    "agenda_rules",
    "agenda_codings",
    "agenda_history",
    "agenda_excluded",
    "paper_sections",
)

#: ``DECLARED_TABLES_ENV`` is set by the edition's Sphinx extension in a notebook it executes:
#: the tables the notebook's front matter declares (``nea_edition: {tables: [...]}``),
#: comma-separated. Its cache key is those tables' files, so ``load_tables`` must read no
#: other: a table not declared is not loaded and any use of it fails the build, rather than
#: letting the figure go stale.


class UndeclaredTableError(LookupError):
    """A notebook used a table its front matter does not declare."""


class Undeclared:
    """Stands in ``Tables`` for a table the running notebook did not declare: any use raises."""

    def __init__(self, name: str, declared: tuple[str, ...]) -> None:
        self._message = (
            f"table {name!r} is not declared by this notebook: add it to the page's front matter "
            f"(nea_edition: tables: [...], now {list(declared)}), so that a change to "
            f"data/{name}.csv re-executes the notebook"
        )

    def _fail(self, *args: object, **kwargs: object) -> None:
        raise UndeclaredTableError(self._message)

    def __getattr__(self, attribute: str) -> None:
        raise UndeclaredTableError(self._message)

    __getitem__ = __len__ = __iter__ = __bool__ = __contains__ = __array__ = _fail


def declared_tables() -> tuple[str, ...] | None:
    """The tables the running notebook declared, or None outside a build (then: all)."""
    value = os.environ.get(DECLARED_TABLES_ENV)
    if value is None:
        return None
    return tuple(name for name in value.split(",") if name)


#: Columns of ``global_korea_circles`` in schema order (the figure's rings and their entries).
CIRCLES_COLUMNS: tuple[str, ...] = (
    "ring",
    "ring_name",
    "order",
    "partner",
    "label",
    "basis",
    "description",
    "source",
    "note",
)


@dataclass(frozen=True)
class Tables:
    """The tables the figures use, typed (see the module docstring).

    ``global_korea_circles`` (ring and order ``Int64``, basis categorical, rows sorted by ring
    and order), ``agenda`` and the scorecard's tables (``agenda_rules``, the codebook;
    ``agenda_codings``; ``agenda_history``, dates as ``datetime64``; ``agenda_excluded``;
    ``paper_sections``)
    default to an empty frame only so that tests can build a ``Tables`` from the tables they
    need; ``load_tables`` always fills them. In a notebook of
    the build, a table the page does not declare holds an ``Undeclared`` stand-in instead.
    """

    administrations: pd.DataFrame
    acting_presidents: pd.DataFrame
    institutions: pd.DataFrame
    countries: pd.DataFrame
    memberships: pd.DataFrame
    events: pd.DataFrame
    global_korea_circles: pd.DataFrame = field(default_factory=pd.DataFrame)
    agenda: pd.DataFrame = field(default_factory=pd.DataFrame)
    agenda_rules: pd.DataFrame = field(default_factory=pd.DataFrame)
    agenda_codings: pd.DataFrame = field(default_factory=pd.DataFrame)
    agenda_history: pd.DataFrame = field(default_factory=pd.DataFrame)
    agenda_excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: The paper's sections as the afterword names them (an editorial list).
    paper_sections: pd.DataFrame = field(default_factory=pd.DataFrame)


# --------------------------------------------------------------------------------------------
# Loading


def _typed_column(raw: pd.Series, spec: dict[str, Any]) -> pd.Series:
    """Convert one column of CSV text (empty string = missing) to the type its schema gives."""
    missing = raw.str.strip() == ""
    kind = spec.get("type", "string")
    enum = spec.get("constraints", {}).get("enum")
    if kind == "date":
        dates = pd.to_datetime(raw.mask(missing), format="%Y-%m-%d", errors="coerce")
        return dates.astype("datetime64[ns]")
    if kind == "integer":
        return pd.to_numeric(raw.mask(missing), errors="coerce").astype("Int64")
    if kind == "number":
        return pd.to_numeric(raw.mask(missing), errors="coerce").astype("Float64")
    if kind == "boolean":
        values = raw.str.strip().str.lower().map({"true": True, "false": False})
        required = spec.get("constraints", {}).get("required", False)
        return (
            values.astype(bool)
            if required and not values.isna().any()
            else values.astype("boolean")
        )
    if enum:
        return pd.Series(
            pd.Categorical(raw.mask(missing), categories=[str(v) for v in enum]),
            index=raw.index,
            name=raw.name,
        )
    return raw.mask(missing)


def year_of(text: pd.Series) -> pd.Series:
    """The year of a ``YYYY`` / ``YYYY-MM`` / ``YYYY-MM-DD`` text column, as ``Int64``."""
    return pd.to_numeric(text.str.slice(0, 4), errors="coerce").astype("Int64")


def _read(path: Path, resource: dict[str, Any]) -> pd.DataFrame:
    """One CSV as a typed frame, columns in schema order."""
    header, records = csvfile.rows(path)
    raw = pd.DataFrame(records, columns=header, dtype=str).fillna("")
    fields = resource["schema"]["fields"]
    return pd.DataFrame({f["name"]: _typed_column(raw[f["name"]], f) for f in fields})


def _derive(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns the figures need on top of the CSV's own."""
    if name == "institutions":
        frame["founded_year"] = year_of(frame["founded"])
        frame["ended_year"] = year_of(frame["ended"])
    elif name == "events":
        parsed = [
            parse_partial_date(text) if isinstance(text, str) else None for text in frame["date"]
        ]
        frame["date_start"] = pd.to_datetime(
            [p[0] if p else None for p in parsed], errors="coerce"
        ).astype("datetime64[ns]")
        frame["date_precision"] = pd.Categorical(
            [p[1] if p else None for p in parsed], categories=["day", "month", "year"]
        )
    elif name == "global_korea_circles":
        # Inside out, and within a ring in the paper's order: the order the figure draws.
        frame = frame.sort_values(["ring", "order"], kind="stable").reset_index(drop=True)
    return frame


def load_table(name: str, data_dir: Path | None = None, *, validate: bool = True) -> pd.DataFrame:
    """One table of ``datapackage.json`` (also ``endnotes`` and ``errata``), typed."""
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    if validate:
        problems = validate_data(data_dir)
        if problems:
            raise ValidationError(problems)
    descriptor = load_descriptor(data_dir)
    resource = next((r for r in descriptor["resources"] if r["name"] == name), None)
    if resource is None:
        raise KeyError(f"no table {name!r} in datapackage.json")
    return _derive(name, _read(data_dir / resource["path"], resource))


def load_tables(data_dir: Path | None = None, *, validate: bool | None = None) -> Tables:
    """The figure tables (``TABLE_NAMES``) from ``data_dir`` (default: ``data/``), typed.

    In a notebook the edition's build executes, only the tables the page declares are read
    (``DECLARED_TABLES_ENV``); the others are ``Undeclared`` and fail on use. There the build
    has already validated every table before Sphinx started, so validation is skipped unless
    asked for. Elsewhere (tests, a notebook opened by hand) every table is read and, with
    ``validate`` true or unset, the whole folder is validated first: ``errors.ValidationError``
    lists every problem if there is any, and nothing is returned then.
    """
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    declared = declared_tables()
    if validate is None:
        validate = declared is None
    if validate:
        problems = validate_data(data_dir)
        if problems:
            raise ValidationError(problems)
    wanted = TABLE_NAMES if declared is None else declared
    unknown = sorted(set(wanted) - set(TABLE_NAMES))
    if unknown:
        raise UndeclaredTableError(f"no such table(s) {unknown}; the tables are {TABLE_NAMES}")
    frames: dict[str, Any] = {
        name: load_table(name, data_dir, validate=False)
        if name in wanted
        else Undeclared(name, tuple(wanted))
        for name in TABLE_NAMES
    }
    return Tables(**frames)
