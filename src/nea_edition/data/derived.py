"""Derived tables: what the figures compute from the loaded tables before anything is drawn.

Everything here is data, not drawing: who held which status in which year, which bodies existed
in a year, the members two bodies share, how big each body is, the order in which countries
and bodies are listed, and the tables shown under each figure. Keeping it here (and out of
``nea_edition.figures``) means each rule is written once, can be tested on small frames, and
is the same for every figure and for the Data page. Nothing in this module imports plotly or
the figures: the flow is one way, data to figures.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

import pandas as pd

from nea_edition import clock
from nea_edition.data.tables import Tables, year_of

#: The six parties to the Six-Party Talks, in the order the figures list them.
SIX_PARTY: tuple[str, ...] = ("KOR", "PRK", "CHN", "JPN", "RUS", "USA")

#: Statuses that count as belonging to a body when members are compared across bodies.
FULL_STATUSES: frozenset[str] = frozenset({"member", "participant"})

#: Matrix cell for a country with no status in a body that year.
NOT_A_MEMBER = "not a member"

#: Scopes in the order the figures group bodies: Northeast Asia's own first, Europe's last, so
#: the contrast the paper draws (the "organization gap") reads from left to right.
SCOPE_ORDER: tuple[str, ...] = (
    "Northeast Asia",
    "East Asia",
    "Asia-Pacific",
    "Eurasia",
    "Euro-Atlantic",
)
#: Scopes whose bodies are Europe's: countries that belong only to these are not matrix rows.
EUROPEAN_SCOPES: frozenset[str] = frozenset({"Euro-Atlantic"})


def is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA; False for anything pandas cannot test."""
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def current_year() -> int:
    """This year: the data run to today (the edition's today: ``nea_edition.clock``)."""
    return clock.today().year


def latest_year(tables: Tables) -> int:
    """The last year the figures show: the current year (the data run to today)."""
    return current_year()


# --------------------------------------------------------------------------------------------
# Orders


def country_order(countries: pd.DataFrame, codes: Iterable[str] | None = None) -> list[str]:
    """Country codes in figure order: the six parties first (``SIX_PARTY``), then by subregion
    and name.

    ``countries`` is the countries table (``iso3``, ``name``, ``subregion``); ``codes`` the
    codes to order (default: all of them). Subregions sort in the order of their categories
    when the column is categorical (the loader makes it so, from the schema's enum: Northeast
    Asia first), so neighbours stay together; alphabetically when it is plain text. Codes
    missing from the countries table come last.
    """
    frame = countries.set_index("iso3")
    order = list(frame.index if codes is None else dict.fromkeys(codes))
    sub = frame["subregion"] if "subregion" in frame else pd.Series(dtype=object)
    if isinstance(sub.dtype, pd.CategoricalDtype):
        regions = [str(c) for c in sub.cat.categories]
    else:
        regions = sorted({str(v) for v in sub.dropna()})

    def key(code: str) -> tuple[int, int, str, str]:
        if code in SIX_PARTY:
            return (0, SIX_PARTY.index(code), "", code)
        if code not in frame.index:
            return (2, 0, "", code)
        region = str(sub.get(code, ""))
        rank = regions.index(region) if region in regions else len(regions)
        return (1, rank, str(frame.at[code, "name"]), code)

    return sorted(order, key=key)


def institution_order(institutions: pd.DataFrame) -> list[str]:
    """Bodies grouped by scope (``SCOPE_ORDER``), then by founding year, then id."""
    frame = institutions.copy()
    rank = {scope: i for i, scope in enumerate(SCOPE_ORDER)}
    frame["_scope"] = [
        rank.get(str(sc), len(rank)) if "scope" in frame else 0
        for sc in (frame["scope"] if "scope" in frame else [None] * len(frame))
    ]
    frame["_y"] = pd.to_numeric(frame["founded_year"], errors="coerce")
    return frame.sort_values(["_scope", "_y", "id"], na_position="last")["id"].astype(str).tolist()


# --------------------------------------------------------------------------------------------
# Which bodies existed when


def exists_in(founded: object, ended: object, year: int) -> bool:
    """Whether a body founded in ``founded`` and ended in ``ended`` (missing: still active)
    existed at some point in ``year``. A missing founding year counts as always founded."""
    if not is_missing(founded) and int(founded) > year:  # type: ignore[call-overload]
        return False
    return is_missing(ended) or int(ended) >= year  # type: ignore[call-overload]


def _institution_life(tables: Tables) -> pd.DataFrame:
    """id, founded_year, ended_year (the latter <NA> while active), in institutions.csv order."""
    inst = tables.institutions
    if "founded_year" not in inst:
        inst = inst.assign(founded_year=year_of(inst["founded"]), ended_year=year_of(inst["ended"]))
    return inst[["id", "founded_year", "ended_year"]]


def existing_institutions(tables: Tables, year: int) -> list[str]:
    """Ids of the bodies that existed at some point in ``year``, in institutions.csv order."""
    life = _institution_life(tables)
    alive = (life["founded_year"] <= year) & (
        life["ended_year"].isna() | (life["ended_year"] >= year)
    )
    return [str(i) for i in life.loc[alive.fillna(False), "id"]]


# --------------------------------------------------------------------------------------------
# Memberships by year


def membership_over_time(tables: Tables, start: int = 1989, end: int | None = None) -> pd.DataFrame:
    """One row per year, body and country holding a status that year, from ``start`` to ``end``.

    A membership counts in every year from ``joined`` through ``left`` (both inclusive: the
    member belonged for part of those years) and never outside the life of its body. Where a
    member changed status within a year (one row left and the next joined that year), the
    later row's status wins, so each (year, institution, country) appears once.
    Columns: year (int), institution, country (str), status (categorical, schema order).
    """
    end = current_year() if end is None else end
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
    countries = {c: i for i, c in enumerate(country_order(tables.countries, frame["country"]))}
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
    ``NOT_A_MEMBER``.
    """
    columns = existing_institutions(tables, year)
    held = membership_over_time(tables, year, year)
    held = held[held["institution"].isin(columns)]
    rows = country_order(tables.countries, held["country"])
    matrix = pd.DataFrame(NOT_A_MEMBER, index=pd.Index(rows, name="country"), columns=columns)
    matrix.columns.name = "institution"
    for record in held.itertuples(index=False):
        matrix.at[record.country, record.institution] = str(record.status)
    return matrix


def matrix_countries(
    over_time: pd.DataFrame, institutions: pd.DataFrame, countries: pd.DataFrame
) -> list[str]:
    """Rows of the membership matrix: countries with a status in some non-European body in some
    year, in ``country_order``.

    OSCE and NATO stay as columns, but the fifty-odd European states that belong to nothing
    else would bury the region's rows; the figure's summary counts them instead.
    """
    scope = institutions.set_index("id")["scope"].astype(str).to_dict()
    asian = over_time[~over_time["institution"].map(scope).isin(EUROPEAN_SCOPES)]
    return country_order(countries, asian["country"].astype(str).unique())


def membership_grid(
    over_time: pd.DataFrame,
    institutions: pd.DataFrame,
    countries: Sequence[str],
    years: Iterable[int],
) -> pd.DataFrame:
    """Every (year, country, institution) cell: its status, or ``NOT_A_MEMBER``.

    Only bodies that exist in a year get cells that year. ``over_time`` is
    ``membership_over_time`` (year, institution, country, status); missing rows are "not a
    member". Cells follow the order of ``years``, then ``institutions``, then ``countries``.
    """
    known = {
        (int(r.year), str(r.institution), str(r.country)): str(r.status)
        for r in over_time.itertuples(index=False)
    }
    life = [
        (str(r.id), r.founded_year, r.ended_year)
        for r in institutions[["id", "founded_year", "ended_year"]].itertuples(index=False)
    ]
    rows = [
        (year, iso, iid, known.get((year, iid, iso), NOT_A_MEMBER))
        for year in years
        for iid, founded, ended in life
        if exists_in(founded, ended, year)
        for iso in countries
    ]
    return pd.DataFrame(rows, columns=["year", "country", "institution", "status"])


def memberships_table(memberships: pd.DataFrame, countries: pd.DataFrame) -> pd.DataFrame:
    """The membership spells every year of the matrix is derived from, with country names."""
    names = countries.set_index("iso3")["name"].astype(str).to_dict()
    frame = memberships[["institution", "country", "joined", "left", "status", "source"]].copy()
    frame.insert(2, "country_name", frame["country"].astype(str).map(names))
    return frame.reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# Overlap between bodies


def shared_members(tables: Tables, year: int | None = None) -> pd.DataFrame:
    """For every ordered pair of bodies existing in ``year``, the members they share.

    Only ``member`` and ``participant`` count (observers and partners do not belong in the sense
    of the paper's overlap argument). Both (a, b) and (b, a) are listed, so a heatmap can be
    pivoted directly. Columns: institution_a, institution_b, shared (int), members (sorted list
    of iso3). ``year`` defaults to the current year.
    """
    year = current_year() if year is None else year
    bodies = existing_institutions(tables, year)
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


def body_sizes(
    over_time: pd.DataFrame, year: int, full: Iterable[str] = FULL_STATUSES
) -> dict[str, int]:
    """Full members (members and participants) of each body in ``year``."""
    sel = over_time[(over_time["year"] == year) & over_time["status"].astype(str).isin(set(full))]
    return {str(k): int(v) for k, v in sel.groupby("institution", observed=True).size().items()}


def overlap_matrix(shared: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Square table of shared members from the long ``shared_members`` output.

    Pairs are made symmetric. The diagonal holds a body's own full members when the long table
    has ``a == b`` rows; ``shared_members`` does not list them, so the overlap figure takes
    ``body_sizes`` for the diagonal instead.
    """
    mat = pd.DataFrame(pd.NA, index=list(order), columns=list(order), dtype="Int64")
    for r in shared.itertuples(index=False):
        a, b = str(r.institution_a), str(r.institution_b)
        if a in mat.index and b in mat.columns:
            mat.loc[a, b] = int(r.shared)
            mat.loc[b, a] = int(r.shared)
    return mat


def members_text(members: object) -> str:
    """A ``members`` cell of ``shared_members`` (a list of iso3, or already text) as text."""
    if isinstance(members, str):
        return members
    return ", ".join(str(m) for m in members)  # type: ignore[attr-defined]


def overlap_table(shared: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per unordered pair: year, the two bodies, how many they share, and who."""
    frame = shared[shared["institution_a"].astype(str) < shared["institution_b"].astype(str)]
    return pd.DataFrame(
        {
            "year": year,
            "institution_a": frame["institution_a"].astype(str).to_numpy(),
            "institution_b": frame["institution_b"].astype(str).to_numpy(),
            "shared": frame["shared"].astype(int).to_numpy(),
            "members": [members_text(m) for m in frame["members"]],
        }
    )
