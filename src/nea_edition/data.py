"""Typed pandas tables from ``data/`` and the derived tables the figures draw.

Notebooks and tests load the data only through this module, so that every figure sees the same
validated rows with the same types: dates as ``datetime64``, years as nullable ``Int64``,
columns with an enum in ``datapackage.json`` as categoricals whose categories are that enum (in
its order, so sorting and legends follow the schema), ``covered_by_paper`` as ``bool``, other
text as pandas strings with missing values for empty cells. The types are read from
``datapackage.json``, the one place the schema is written.

``load_tables`` validates first (``nea_edition.validation``) and refuses to return anything if
a single rule is broken: a wrong row must never reach a published figure.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from nea_edition import paths
from nea_edition.errors import ValidationError
from nea_edition.validation import load_descriptor, parse_partial_date
from nea_edition.validation import validate as validate_data

#: The six parties to the Six-Party Talks, in the order the figures list them.
SIX_PARTY: tuple[str, ...] = ("KOR", "PRK", "CHN", "JPN", "RUS", "USA")

#: Statuses that count as belonging to a body when members are compared across bodies.
FULL_STATUSES: frozenset[str] = frozenset({"member", "participant"})

#: Matrix cell for a country with no status in a body that year.
NOT_A_MEMBER = "not a member"

TABLE_NAMES: tuple[str, ...] = (
    "administrations",
    "acting_presidents",
    "institutions",
    "countries",
    "memberships",
    "events",
    "global_korea_circles",
)


@dataclass(frozen=True)
class Tables:
    """The seven tables the figures use, typed (see the module docstring).

    ``global_korea_circles`` (ring and order ``Int64``, basis categorical, rows sorted by ring
    and order) defaults to an empty frame only so that tests can build a ``Tables`` from the
    tables they need; ``load_tables`` always fills it.
    """

    administrations: pd.DataFrame
    acting_presidents: pd.DataFrame
    institutions: pd.DataFrame
    countries: pd.DataFrame
    memberships: pd.DataFrame
    events: pd.DataFrame
    global_korea_circles: pd.DataFrame = field(default_factory=pd.DataFrame)


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


def _year(text: pd.Series) -> pd.Series:
    """The year of a ``YYYY`` / ``YYYY-MM`` / ``YYYY-MM-DD`` text column, as ``Int64``."""
    return pd.to_numeric(text.str.slice(0, 4), errors="coerce").astype("Int64")


def _read(path: Path, resource: dict[str, Any]) -> pd.DataFrame:
    """One CSV as a typed frame, columns in schema order."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    fields = resource["schema"]["fields"]
    return pd.DataFrame({f["name"]: _typed_column(raw[f["name"]], f) for f in fields})


def _derive(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Columns the figures need on top of the CSV's own."""
    if name == "institutions":
        frame["founded_year"] = _year(frame["founded"])
        frame["ended_year"] = _year(frame["ended"])
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


def load_tables(data_dir: Path | None = None, *, validate: bool = True) -> Tables:
    """The figure tables (``TABLE_NAMES``) from ``data_dir`` (default: ``data/``), typed.

    With ``validate=True`` (the default) the whole folder is validated first and
    ``errors.ValidationError`` lists every problem if there is any; nothing is returned then.
    """
    data_dir = Path(data_dir) if data_dir else paths.DATA_DIR
    if validate:
        problems = validate_data(data_dir)
        if problems:
            raise ValidationError(problems)
    return Tables(**{name: load_table(name, data_dir, validate=False) for name in TABLE_NAMES})


# --------------------------------------------------------------------------------------------
# Derived tables


def _current_year() -> int:
    return dt.date.today().year


def country_order(tables: Tables, countries: Iterable[str] | None = None) -> list[str]:
    """Country codes in figure order: the six parties first, then by subregion and name.

    Subregions follow the order of their enum in ``datapackage.json`` (Northeast Asia first),
    so neighbours stay together (alphabetically if the column is plain text rather than the
    loader's categorical). Codes missing from the countries table come last.
    """
    frame = tables.countries.set_index("iso3")
    codes = list(frame.index if countries is None else dict.fromkeys(countries))
    subregion = frame["subregion"]
    regions = (
        list(subregion.cat.categories) if isinstance(subregion.dtype, pd.CategoricalDtype) else []
    )

    def key(code: str) -> tuple[int, int, str, str, str]:
        if code in SIX_PARTY:
            return (0, SIX_PARTY.index(code), "", "", code)
        if code not in frame.index:
            return (2, 0, "", "", code)
        region = subregion.at[code]
        rank = regions.index(region) if region in regions else len(regions)
        return (1, rank, str(region), str(frame.at[code, "name"]), code)

    return sorted(codes, key=key)


def _institution_life(tables: Tables) -> pd.DataFrame:
    """id, founded_year, ended_year (the latter <NA> while active), in institutions.csv order."""
    inst = tables.institutions
    if "founded_year" not in inst:
        inst = inst.assign(founded_year=_year(inst["founded"]), ended_year=_year(inst["ended"]))
    return inst[["id", "founded_year", "ended_year"]]


def _existing(tables: Tables, year: int) -> list[str]:
    """Ids of the bodies that existed at some point in ``year``, in institutions.csv order."""
    life = _institution_life(tables)
    alive = (life["founded_year"] <= year) & (
        life["ended_year"].isna() | (life["ended_year"] >= year)
    )
    return [str(i) for i in life.loc[alive.fillna(False), "id"]]


def membership_over_time(tables: Tables, start: int = 1989, end: int | None = None) -> pd.DataFrame:
    """One row per year, body and country holding a status that year, from ``start`` to ``end``.

    A membership counts in every year from ``joined`` through ``left`` (both inclusive: the
    member belonged for part of those years) and never outside the life of its body. Where a
    member changed status within a year (one row left and the next joined that year), the
    later row's status wins, so each (year, institution, country) appears once.
    Columns: year (int), institution, country (str), status (categorical, schema order).
    """
    end = _current_year() if end is None else end
    life = _institution_life(tables).set_index("id")
    members = tables.memberships
    order = {inst: i for i, inst in enumerate(life.index)}
    rows: list[tuple[int, str, str, str, int]] = []
    for record in members.itertuples(index=False):
        inst = str(record.institution)
        if inst not in life.index or pd.isna(record.joined):
            continue
        founded, ended = life.at[inst, "founded_year"], life.at[inst, "ended_year"]
        first = max(int(record.joined), start, int(founded) if pd.notna(founded) else start)
        last = min(
            int(record.left) if pd.notna(record.left) else end,
            int(ended) if pd.notna(ended) else end,
            end,
        )
        rows.extend(
            (year, inst, str(record.country), str(record.status), int(record.joined))
            for year in range(first, last + 1)
        )
    status_type = members["status"].dtype
    frame = pd.DataFrame(rows, columns=["year", "institution", "country", "status", "joined"])
    frame = frame.sort_values("joined", kind="stable").drop_duplicates(
        ["year", "institution", "country"], keep="last"
    )
    countries = {c: i for i, c in enumerate(country_order(tables, frame["country"]))}
    frame = frame.assign(
        _inst=frame["institution"].map(order), _country=frame["country"].map(countries)
    ).sort_values(["year", "_inst", "_country"])
    frame = frame.drop(columns=["joined", "_inst", "_country"]).reset_index(drop=True)
    frame["year"] = frame["year"].astype("int64")
    if isinstance(status_type, pd.CategoricalDtype):
        frame["status"] = frame["status"].astype(status_type)
    return frame


def membership_matrix(tables: Tables, year: int) -> pd.DataFrame:
    """Who held which status in which body in ``year``: countries x bodies.

    Rows (index ``country``, iso3): countries with a status in at least one body that year, in
    ``country_order``. Columns (``institution``): the bodies that existed that year, in
    institutions.csv order; a body founded later is not a column. Cells: the status, or
    ``"not a member"``.
    """
    columns = _existing(tables, year)
    held = membership_over_time(tables, year, year)
    held = held[held["institution"].isin(columns)]
    rows = country_order(tables, held["country"])
    matrix = pd.DataFrame(NOT_A_MEMBER, index=pd.Index(rows, name="country"), columns=columns)
    matrix.columns.name = "institution"
    for record in held.itertuples(index=False):
        matrix.at[record.country, record.institution] = str(record.status)
    return matrix


def shared_members(tables: Tables, year: int | None = None) -> pd.DataFrame:
    """For every ordered pair of bodies existing in ``year``, the members they share.

    Only ``member`` and ``participant`` count (observers and partners do not belong in the sense
    of the paper's overlap argument). Both (a, b) and (b, a) are listed, so a heatmap can be
    pivoted directly. Columns: institution_a, institution_b, shared (int), members (sorted list
    of iso3). ``year`` defaults to the current year.
    """
    year = _current_year() if year is None else year
    bodies = _existing(tables, year)
    held = membership_over_time(tables, year, year)
    held = held[held["status"].astype(str).isin(FULL_STATUSES)]
    members = {b: set(held.loc[held["institution"] == b, "country"]) for b in bodies}
    rows = []
    for a, b in itertools.permutations(bodies, 2):
        common = sorted(members[a] & members[b])
        rows.append((a, b, len(common), common))
    frame = pd.DataFrame(rows, columns=["institution_a", "institution_b", "shared", "members"])
    frame["shared"] = frame["shared"].astype("int64")
    return frame
