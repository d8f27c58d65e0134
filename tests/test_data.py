"""The loader and the derived tables, on small in-memory frames and on the fixture folder.

The derived tables are what the figures draw, so each rule behind them (which years count,
which bodies are columns, how rows are ordered, which statuses are shared) has its own test on
frames small enough to check by eye.
"""

from __future__ import annotations

import json
import shutil
from html import unescape
from pathlib import Path

import pandas as pd
import pytest

from nea_edition import paths
from nea_edition.checks.errors import ValidationError
from nea_edition.data import (
    NOT_A_MEMBER,
    SIX_PARTY,
    TABLE_NAMES,
    Tables,
    country_order,
    load_table,
    load_tables,
    membership_matrix,
    membership_over_time,
    shared_members,
)

VALID = Path(__file__).parent / "fixtures" / "data" / "valid"


def frame(columns: str, *rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=columns.split())


def make_tables(
    institutions: list[tuple[str, int, int | None]],
    countries: list[tuple[str, str, str]],
    memberships: list[tuple[str, str, int, int | None, str]],
) -> Tables:
    """Tables with only the columns the derived tables read, typed as the loader types them."""
    inst = frame("id founded_year ended_year", *institutions)
    inst["founded_year"] = inst["founded_year"].astype("Int64")
    inst["ended_year"] = inst["ended_year"].astype("Int64")
    members = frame("institution country joined left status", *memberships)
    members["joined"] = members["joined"].astype("Int64")
    members["left"] = members["left"].astype("Int64")
    empty = pd.DataFrame()
    return Tables(
        administrations=empty,
        acting_presidents=empty,
        institutions=inst,
        countries=frame("iso3 name subregion", *countries),
        memberships=members,
        events=empty,
    )


@pytest.fixture
def small() -> Tables:
    return make_tables(
        institutions=[
            ("APEC", 1989, None),
            ("TCOG", 1999, 2003),
            ("SPT", 2003, None),
        ],
        countries=[
            ("AUS", "Australia", "Oceania"),
            ("CHN", "China", "Northeast Asia"),
            ("JPN", "Japan", "Northeast Asia"),
            ("KOR", "Korea", "Northeast Asia"),
            ("NZL", "New Zealand", "Oceania"),
            ("USA", "United States", "North America"),
            ("CAN", "Canada", "North America"),
        ],
        memberships=[
            ("APEC", "NZL", 1989, None, "member"),
            ("APEC", "AUS", 1989, None, "member"),
            ("APEC", "KOR", 1989, None, "member"),
            ("APEC", "USA", 1989, None, "member"),
            ("APEC", "CHN", 1989, 1991, "observer"),
            ("APEC", "CHN", 1991, None, "member"),
            ("TCOG", "USA", 1999, None, "member"),
            ("TCOG", "KOR", 1999, None, "member"),
            ("TCOG", "JPN", 1999, 2001, "member"),
            ("SPT", "KOR", 2003, None, "participant"),
            ("SPT", "USA", 2003, None, "participant"),
            ("SPT", "CHN", 2003, None, "participant"),
            ("SPT", "JPN", 2003, None, "observer"),
        ],
    )


# ------------------------------------------------------------------------ membership over time


def test_over_time_counts_joined_and_left_years(small: Tables) -> None:
    long = membership_over_time(small, 1989, 2005)
    jpn = long[(long["institution"] == "TCOG") & (long["country"] == "JPN")]
    assert jpn["year"].tolist() == [1999, 2000, 2001]
    assert list(long.columns) == ["year", "institution", "country", "status"]


def test_over_time_stops_when_the_body_ends(small: Tables) -> None:
    long = membership_over_time(small, 1989, 2010)
    usa = long[(long["institution"] == "TCOG") & (long["country"] == "USA")]
    assert usa["year"].tolist() == [1999, 2000, 2001, 2002, 2003]


def test_over_time_one_status_per_year_later_row_wins(small: Tables) -> None:
    long = membership_over_time(small, 1989, 1992)
    chn = long[(long["institution"] == "APEC") & (long["country"] == "CHN")]
    assert list(zip(chn["year"], chn["status"].astype(str), strict=True)) == [
        (1989, "observer"),
        (1990, "observer"),
        (1991, "member"),
        (1992, "member"),
    ]
    assert not long.duplicated(["year", "institution", "country"]).any()


def test_over_time_window_and_order(small: Tables) -> None:
    long = membership_over_time(small, 2003, 2003)
    assert set(long["year"]) == {2003}
    # Bodies in institutions.csv order, countries in figure order.
    assert long["institution"].tolist()[:5] == ["APEC"] * 5
    assert long.loc[long["institution"] == "APEC", "country"].tolist() == [
        "KOR",
        "CHN",
        "USA",
        "AUS",
        "NZL",
    ]


def test_over_time_default_end_is_this_year(small: Tables) -> None:
    assert membership_over_time(small)["year"].max() == pd.Timestamp.today().year


# ------------------------------------------------------------------------------- matrix


def test_matrix_columns_are_the_bodies_that_existed(small: Tables) -> None:
    assert list(membership_matrix(small, 1995).columns) == ["APEC"]
    assert list(membership_matrix(small, 2003).columns) == ["APEC", "TCOG", "SPT"]
    assert list(membership_matrix(small, 2004).columns) == ["APEC", "SPT"]


def test_matrix_rows_six_party_first_then_subregion_and_name(small: Tables) -> None:
    matrix = membership_matrix(small, 2003)
    # KOR, CHN, JPN, USA follow SIX_PARTY; then by subregion (alphabetical here: plain text,
    # not the schema's categorical) and name.
    assert matrix.index.tolist()[:4] == ["KOR", "CHN", "JPN", "USA"]
    assert matrix.index.tolist()[4:] == ["AUS", "NZL"]
    assert "CAN" not in matrix.index  # no status anywhere that year
    assert matrix.index.name == "country" and matrix.columns.name == "institution"


def test_matrix_values(small: Tables) -> None:
    matrix = membership_matrix(small, 2003)
    assert matrix.at["KOR", "SPT"] == "participant"
    assert matrix.at["JPN", "SPT"] == "observer"
    assert matrix.at["JPN", "TCOG"] == NOT_A_MEMBER  # left in 2001
    assert matrix.at["AUS", "SPT"] == NOT_A_MEMBER
    assert matrix.at["CHN", "APEC"] == "member"
    assert set(matrix.to_numpy().ravel()) <= {"member", "participant", "observer", NOT_A_MEMBER}


def test_matrix_before_anything_existed(small: Tables) -> None:
    matrix = membership_matrix(small, 1980)
    assert matrix.shape == (0, 0)


def test_country_order_uses_subregion_enum_when_categorical(small: Tables) -> None:
    countries = small.countries.assign(
        subregion=pd.Categorical(
            small.countries["subregion"], categories=["Northeast Asia", "Oceania", "North America"]
        )
    )
    tables = Tables(**{**small.__dict__, "countries": countries})
    assert country_order(tables.countries) == ["KOR", "CHN", "JPN", "USA", "AUS", "NZL", "CAN"]


# ------------------------------------------------------------------------------- shared members


def test_shared_members_pairs(small: Tables) -> None:
    shared = shared_members(small, 2003)
    pairs = set(zip(shared["institution_a"], shared["institution_b"], strict=True))
    bodies = ["APEC", "TCOG", "SPT"]
    assert pairs == {(a, b) for a in bodies for b in bodies if a != b}
    assert list(shared.columns) == ["institution_a", "institution_b", "shared", "members"]
    assert shared["shared"].dtype == "int64"


def test_shared_members_count_only_members_and_participants(small: Tables) -> None:
    shared = shared_members(small, 2003).set_index(["institution_a", "institution_b"])
    # JPN is only an observer in SPT; CHN a member of APEC and a participant in SPT.
    assert shared.at[("APEC", "SPT"), "members"] == ["CHN", "KOR", "USA"]
    assert shared.at[("SPT", "APEC"), "shared"] == 3
    assert shared.at[("TCOG", "SPT"), "members"] == ["KOR", "USA"]


def test_shared_members_only_bodies_of_that_year(small: Tables) -> None:
    shared = shared_members(small, 2010)
    assert set(shared["institution_a"]) == {"APEC", "SPT"}


# ------------------------------------------------------------------------------- loading


@pytest.fixture
def fixture_dir(tmp_path: Path) -> Path:
    shutil.copytree(VALID / "data", tmp_path / "data")
    shutil.copy(VALID / "references.bib", tmp_path / "references.bib")
    return tmp_path / "data"


def test_load_tables_types(fixture_dir: Path) -> None:
    tables = load_tables(fixture_dir)
    adm = tables.administrations
    assert str(adm["term_start"].dtype).startswith("datetime64")
    assert pd.isna(adm["term_end"].iloc[-1])
    assert adm["covered_by_paper"].dtype == bool
    assert isinstance(adm["end_reason"].dtype, pd.CategoricalDtype)
    assert list(adm["end_reason"].cat.categories) == [
        "term completed",
        "removed from office",
        "incumbent",
    ]
    assert pd.isna(adm["note"].iloc[0])  # empty cell = missing, not ""
    inst = tables.institutions
    assert inst["founded_year"].dtype == "Int64"
    assert inst.set_index("id").at["TCOG", "ended_year"] == 2003
    assert pd.isna(inst.set_index("id").at["APEC", "ended_year"])
    assert tables.memberships["left"].dtype == "Int64"
    assert isinstance(tables.memberships["status"].dtype, pd.CategoricalDtype)
    assert isinstance(tables.countries["subregion"].dtype, pd.CategoricalDtype)


def test_load_tables_events_dates(fixture_dir: Path) -> None:
    events = load_tables(fixture_dir).events
    assert events["date"].tolist() == ["1994-05", "2005-09-19", "2009"]
    assert events["date_start"].tolist() == [
        pd.Timestamp("1994-05-01"),
        pd.Timestamp("2005-09-19"),
        pd.Timestamp("2009-01-01"),
    ]
    assert events["date_precision"].astype(str).tolist() == ["month", "day", "year"]


def test_load_tables_derived_tables_on_typed_frames(fixture_dir: Path) -> None:
    tables = load_tables(fixture_dir)
    matrix = membership_matrix(tables, 2003)
    assert list(matrix.columns) == ["APEC", "ARF", "TCOG", "SPT"]
    assert matrix.index.tolist()[:6] == list(SIX_PARTY)
    assert matrix.at["RUS", "APEC"] == NOT_A_MEMBER
    assert matrix.at["PRK", "SPT"] == "participant"


def test_load_tables_refuses_invalid_data(fixture_dir: Path) -> None:
    path = fixture_dir / "memberships.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("APEC,KOR,1989", "APEC,KOR,1979"), "utf-8"
    )
    (fixture_dir / "errata.csv").write_bytes(b"")
    with pytest.raises(ValidationError) as caught:
        load_tables(fixture_dir)
    rules = {p.rule for p in caught.value.problems}
    assert rules == {"joined-before-founding", "empty-file"}
    assert "joined-before-founding" in str(caught.value)


def test_load_tables_without_validation(fixture_dir: Path) -> None:
    path = fixture_dir / "memberships.csv"
    path.write_text(
        path.read_text(encoding="utf-8").replace("APEC,KOR,1989", "APEC,KOR,1979"), "utf-8"
    )
    assert load_tables(fixture_dir, validate=False).memberships["joined"].min() == 1979


def test_load_table_endnotes(fixture_dir: Path) -> None:
    notes = load_table("endnotes", fixture_dir)
    assert notes["note"].dtype == "Int64"
    with pytest.raises(KeyError):
        load_table("nonexistent", fixture_dir)


def test_load_tables_global_korea_circles(fixture_dir: Path) -> None:
    circles = load_tables(fixture_dir).global_korea_circles
    assert circles["ring"].dtype == "Int64" and circles["order"].dtype == "Int64"
    assert isinstance(circles["basis"].dtype, pd.CategoricalDtype)
    assert list(circles["basis"].cat.categories) == ["stated", "inferred"]
    assert circles["partner"].tolist() == [
        "ROK-US alliance",
        "Japan",
        "China",
        "Northeast Asia cooperative network",
    ]
    assert pd.isna(circles["note"].iloc[-1])


def test_circles_come_sorted_by_ring_and_order(fixture_dir: Path) -> None:
    path = fixture_dir / "global_korea_circles.csv"
    header, *rows = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join([header, *reversed(rows)]), encoding="utf-8")
    circles = load_table("global_korea_circles", fixture_dir)
    assert list(zip(circles["ring"], circles["order"], strict=True)) == [
        (0, 1),
        (1, 1),
        (1, 2),
        (2, 1),
    ]
    assert circles.index.tolist() == [0, 1, 2, 3]


def test_figures_read_the_circles_through_the_loader(fixture_dir: Path) -> None:
    """One loader: the circles the figure draws are the loader's table, validation included."""
    pd.testing.assert_frame_equal(
        load_table("global_korea_circles", fixture_dir),
        load_tables(fixture_dir).global_korea_circles,
    )
    path = fixture_dir / "global_korea_circles.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",inferred,", ",guess,"), "utf-8")
    with pytest.raises(ValidationError):
        load_table("global_korea_circles", fixture_dir)
    with pytest.raises(ValidationError):
        load_tables(fixture_dir)


# ------------------------------------------------------------------------------- the real data


def test_real_data_loads() -> None:
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    missing = [
        r["path"] for r in descriptor["resources"] if not (paths.DATA_DIR / r["path"]).is_file()
    ]
    if missing:
        pytest.skip(f"tables still being sourced, not yet in data/: {', '.join(missing)}")
    tables = load_tables()
    for name in TABLE_NAMES:
        assert len(getattr(tables, name)) > 0, name
    assert set(SIX_PARTY) <= set(tables.countries["iso3"])
    # The bodies the paper discusses are all there.
    assert {"APEC", "ARF", "APT", "EAS", "SPT", "NEACD", "CSCAP", "OSCE", "NATO"} <= set(
        tables.institutions["id"]
    )
    matrix = membership_matrix(tables, 2009)
    assert matrix.index.tolist()[:6] == list(SIX_PARTY)
    assert matrix.at["KOR", "SPT"] == "participant"
    assert (shared_members(tables, 2009)["shared"] >= 0).all()
    circles = tables.global_korea_circles
    assert circles.loc[circles["ring"] == 0, "partner"].tolist() == ["ROK-US alliance"]
    assert set(circles["basis"].astype(str)) <= {"stated", "inferred"}


def test_every_csv_of_the_edition_is_described() -> None:
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in descriptor["resources"]}
    assert {p.name for p in paths.DATA_DIR.glob("*.csv")} == described


# ------------------------------------------------------------------------------- the Data page


def test_data_page_has_a_section_and_a_download_for_every_table() -> None:
    page = (paths.BOOK_DIR / "data.md").read_text(encoding="utf-8")
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        name, path = resource["name"], resource["path"]
        assert f"({'data-' + name.replace('_', '-')})=" in page, name
        assert f"```{{data-resource}} {name}\n" in page, name
        assert f"{{download}}`{path} <../data/{path}>`" in page, name


def test_data_page_directive_renders_the_schema(tmp_path: Path) -> None:
    """The Data page's column tables and row counts come from datapackage.json, not from prose."""
    from sphinx.application import Sphinx

    data = tmp_path / "data"
    shutil.copytree(VALID / "data", data)
    shutil.copy(paths.DATA_DIR / "datapackage.json", data / "datapackage.json")
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text(
        f"extensions = ['nea_edition.site.schema_directive']\nnea_data_dir = {str(data)!r}\n",
        encoding="utf-8",
    )
    sections = "".join(
        f".. _data-{name}:\n\n{name}\n{'=' * len(name)}\n\n.. data-resource:: {name}\n\n"
        for name in ("memberships", "institutions", "countries")
    )
    (src / "index.rst").write_text(
        f"Data\n####\n\nThere are :data-rows:`memberships` memberships.\n\n{sections}",
        encoding="utf-8",
    )
    app = Sphinx(src, src, tmp_path / "out", tmp_path / "doctrees", "html", warningiserror=True)
    app.build()
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    text = unescape(html).replace("\u2019", "'")  # Sphinx's smart quotes
    descriptor = json.loads((paths.DATA_DIR / "datapackage.json").read_text(encoding="utf-8"))
    memberships = next(r for r in descriptor["resources"] if r["name"] == "memberships")
    assert "There are 16 memberships." in html
    assert "16 rows in" in html
    for field in memberships["schema"]["fields"]:
        assert f'<span class="pre">{field["name"]}</span>' in html
        assert field["description"].split(":")[0] in text
    for status in memberships["schema"]["fields"][4]["constraints"]["enum"]:
        assert f'<span class="pre">{status}</span>' in html
    # Foreign keys link to the referenced table's section.
    assert 'href="#data-countries"' in html
