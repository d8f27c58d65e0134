"""Figure functions on small hand-made frames: no browser, no build, no data/ needed.

Each test names the property a reader relies on: every presidency is a bar, the Six-Party states
come first, the slider opens on 2009, status is never told by colour alone, data text is
escaped everywhere it can appear, the Sphinx extension's fingerprint follows the data and the
figure code, and the data layer never reaches back into the figures.
"""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from nea_edition import data, figures, notebook_inputs
from nea_edition.figures import render
from nea_edition.figures.global_korea import RING_FILLS
from nea_edition.site import charts

XSS = "<script>alert(1)</script>"


# ----------------------------------------------------------------------------------------------
# small frames


@pytest.fixture
def administrations() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "president": ["Roh Tae-woo", "Kim Young-sam", XSS],
            "president_hangul": ["노태우", "김영삼", "x"],
            "term_start": pd.to_datetime(["1988-02-25", "1993-02-25", "1998-02-25"]),
            "term_end": pd.to_datetime(["1993-02-24", "1998-02-24", None]),
            "end_reason": ["term completed", "term completed", "incumbent"],
            "regional_frame": pd.Categorical(
                [None, "Asia-Pacific", "East Asia"], categories=["Asia-Pacific", "East Asia"]
            ),
            "policy_banner": ["Nordpolitik", "Segyehwa", f"banner {XSS}"],
            "covered_by_paper": [False, True, True],
            "source": ["s1", "s2", "s3"],
            "note": ["", "", ""],
        }
    )


@pytest.fixture
def events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "date": ["1989-11-06", "2003-08"],
            "event": ["APEC launched", f"talks {XSS}"],
            "institution": ["APEC", "SPT"],
            "source": ["a", "b"],
            "note": ["", ""],
            "date_start": pd.to_datetime(["1989-11-06", "2003-08-01"]),
            "date_precision": ["day", "month"],
        }
    )


@pytest.fixture
def acting() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "name": ["Goh Kun"],
            "name_hangul": ["고건"],
            "start": pd.to_datetime(["2004-03-12"]),
            "end": pd.to_datetime(["2004-05-14"]),
            "reason": ["acting"],
            "source": ["s"],
            "note": [""],
        }
    )


@pytest.fixture
def countries() -> pd.DataFrame:
    subregions = ["Northeast Asia", "Southeast Asia", "Europe"]
    return pd.DataFrame(
        {
            "iso3": ["DEU", "THA", "USA", "KOR", "PRK", "CHN", "JPN", "RUS", "XSS"],
            "name": ["Germany", "Thailand", "United States", "Korea", "DPRK", "China", "Japan",
                     "Russia", XSS],
            "subregion": pd.Categorical(
                ["Europe", "Southeast Asia", "Northeast Asia", "Northeast Asia",
                 "Northeast Asia", "Northeast Asia", "Northeast Asia", "Europe",
                 "Southeast Asia"],
                categories=subregions,
            ),
        }
    )  # fmt: skip


@pytest.fixture
def institutions() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["ARF", "SPT", "OSCE", "APEC"],
            "name": [
                "ASEAN Regional Forum",
                "Six-Party Talks",
                "Organization for Security and Co-operation in Europe (until 1994: CSCE)",
                "Asia-Pacific Economic Cooperation",
            ],
            "short_name": ["ARF", "SPT", "OSCE", "APEC"],
            "founded_year": pd.array([1994, 2003, 1975, 1989], dtype="Int64"),
            "ended_year": pd.array([None, None, None, None], dtype="Int64"),
            "scope": ["Asia-Pacific", "Northeast Asia", "Euro-Atlantic", "Asia-Pacific"],
        }
    )


@pytest.fixture
def over_time() -> pd.DataFrame:
    rows = []
    for year in range(1989, 2012):
        if year >= 1994:
            rows += [(year, "ARF", c, "participant") for c in ("KOR", "PRK", "USA", "XSS")]
            if year >= 2000:
                rows.append((year, "ARF", "PRK", "participant"))
        if year >= 2003:
            six = ("KOR", "PRK", "CHN", "JPN", "RUS", "USA")
            rows += [(year, "SPT", c, "participant") for c in six]
        rows += [(year, "APEC", c, "member") for c in ("KOR", "USA", "THA")]
        rows += [(year, "OSCE", c, "participant") for c in ("USA", "RUS", "DEU")]
        if year >= 2005:
            rows.append((year, "APEC", "CHN", "observer"))
    frame = pd.DataFrame(rows, columns=["year", "institution", "country", "status"])
    return frame.drop_duplicates(["year", "institution", "country"])


# ----------------------------------------------------------------------------------------------
# escaping and rendering


def test_esc_turns_markup_into_entities() -> None:
    assert figures.esc(XSS) == "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert figures.esc(None) == ""
    assert figures.esc(float("nan")) == ""
    assert figures.esc(pd.NA) == ""


def test_chart_html_cannot_be_broken_out_of(administrations: pd.DataFrame) -> None:
    fig = figures.administrations_timeline(administrations, today="2000-01-01")
    out = figures.chart_html(fig, name="t", label=f"label {XSS}", summary=f"sum {XSS}")
    # Exactly one script element: the JSON one; no data text can open or close another.
    assert out.count("<script") == 1
    assert out.count("</script>") == 1
    assert "alert(1)</script>" not in out.replace('class="nea-chart-spec">', "")
    assert "&lt;script&gt;" in out  # label and summary escaped as text
    spec_text = re.search(r'class="nea-chart-spec">(.*?)</script>', out, re.S).group(1)
    assert "<" not in spec_text and ">" not in spec_text
    spec = json.loads(spec_text)
    assert spec["config"]["displaylogo"] is False
    assert {"data", "layout"} <= set(spec)


def test_figure_json_hides_urls_and_markup() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Scatter(x=[1], y=[1], text=["https://example.org </script>"]))
    text = figures.figure_json(fig)
    assert "://" not in text and "</" not in text
    assert json.loads(text)["data"][0]["text"] == ["https://example.org </script>"]


def test_data_table_escapes_and_offers_csv() -> None:
    frame = pd.DataFrame({"name": [XSS, "Korea"], "n": [1, 2]})
    out = figures.data_table_html(frame, filename="t.csv")
    assert out.startswith('<details class="nea-data">')  # closed toggle by default
    assert "<summary>" in out and "(2 rows)" in out
    assert XSS not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    href = re.search(r'href="(data:text/csv[^"]*)"', out).group(1)
    from urllib.parse import unquote

    assert unquote(href.split(",", 1)[1]).splitlines()[0] == "name,n"
    assert 'download="t.csv"' in out


def test_chart_object_renders_as_html_not_plotly_mimetype(administrations) -> None:
    chart = figures.Chart(
        name="x",
        figure=figures.administrations_timeline(administrations, today="2000-01-01"),
        label="l",
        summary="s",
    )
    assert hasattr(chart, "_repr_html_")
    assert not hasattr(chart, "_repr_mimebundle_")
    assert 'class="nea-chart"' in chart._repr_html_()


# ----------------------------------------------------------------------------------------------
# administrations timeline


def test_timeline_has_a_bar_per_presidency_and_separates_the_covered(
    administrations: pd.DataFrame, events: pd.DataFrame, acting: pd.DataFrame
) -> None:
    fig = figures.administrations_timeline(administrations, events, acting, today="2000-06-01")
    bars = [t for t in fig.data if t.type == "bar" and t.name != "acting president"]
    names = [y for t in bars for y in t.y]
    assert sorted(names) == sorted(figures.esc(p) for p in administrations["president"])
    # one trace per frame, the unframed (not covered) last, then acting, then events
    assert [t.name for t in fig.data] == [
        "Asia-Pacific",
        "East Asia",
        figures.NO_FRAME,
        "acting president",
        "other event (the events table)",
    ]
    unframed = fig.data[2]
    assert list(unframed.marker.pattern.shape) == ["/"]  # hatched: not covered
    covered = fig.data[0]
    assert list(covered.marker.line.width) == [2.5]  # outlined: covered
    # incumbent runs to "today"
    east = fig.data[1]
    assert east.customdata[0][3] == "in office"
    assert east.base[0] == "1998-02-25"
    assert (
        abs(
            east.x[0]
            - (pd.Timestamp("2000-06-01") - pd.Timestamp("1998-02-25")).total_seconds() * 1000
        )
        < 1
    )
    # rows in chronological order, top to bottom, then the acting and event rows
    assert list(fig.layout.yaxis.categoryarray)[-2:] == ["Acting presidents", "All events"]
    assert fig.layout.yaxis.autorange == "reversed"


def test_timeline_escapes_every_data_text(
    administrations: pd.DataFrame, events: pd.DataFrame
) -> None:
    fig = figures.administrations_timeline(administrations, events, today="2000-01-01")
    dumped = fig.to_json()
    assert "<script>" not in dumped
    assert "&lt;script&gt;" in dumped


def test_timeline_summary_names_the_covered_governments(administrations, events) -> None:
    text = figures.administrations_summary(administrations, events)
    assert text.startswith("The timeline shows 3 presidencies, from Roh Tae-woo's, which began")
    assert "ascribes a regional frame to each: Asia-Pacific to Kim Young-sam (1993 to 1998)" in text
    assert "The bottom row marks 2 dated events." in text


def test_key_events_are_numbered_on_lanes_that_never_overlap(
    administrations: pd.DataFrame, events: pd.DataFrame, acting: pd.DataFrame
) -> None:
    from nea_edition.figures.timeline import KEY_EVENT_MIN_GAP_YEARS, key_event_lanes

    when = pd.to_datetime(["2008-12-08", "2008-12-13", "2009-06-01", "2011-01-01", "2011-02-01"])
    lanes = key_event_lanes(list(when))
    assert lanes == [0, 1, 2, 0, 1]
    gap = pd.Timedelta(days=365.25 * KEY_EVENT_MIN_GAP_YEARS)
    for lane in set(lanes):
        dates = [w for w, on in zip(when, lanes, strict=True) if on == lane]
        assert all(b - a >= gap for a, b in itertools.pairwise(dates))
    labelled = events.assign(label=["APEC <b>", ""])
    fig = figures.administrations_timeline(administrations, labelled, acting, today="2000-06-01")
    key = next(t for t in fig.data if t.name.startswith("key event"))
    assert list(key.text) == ["1"] and key.customdata[0][1] == "APEC &lt;b&gt;"
    assert "Key events" in list(fig.layout.yaxis.categoryarray)
    text = figures.administrations_summary(administrations, labelled)
    assert "1. 1989-11-06: APEC <b>." in text


# ----------------------------------------------------------------------------------------------
# membership matrix


def test_country_order_puts_the_six_parties_first(countries: pd.DataFrame) -> None:
    order = data.country_order(countries)
    assert order[:6] == list(data.SIX_PARTY)
    # then by subregion category order (Southeast Asia before Europe), then by name
    assert order[6:] == ["XSS", "THA", "DEU"] or order[6:] == ["THA", "XSS", "DEU"]
    assert order.index("THA") < order.index("DEU")


def test_institution_order_groups_northeast_asia_first_and_europe_last(institutions) -> None:
    assert data.institution_order(institutions) == ["SPT", "APEC", "ARF", "OSCE"]


def test_matrix_opens_on_2009_with_a_frame_per_year(
    over_time: pd.DataFrame, institutions: pd.DataFrame, countries: pd.DataFrame
) -> None:
    fig = figures.membership_matrix_figure(over_time, institutions, countries, start=1989, end=2011)
    slider = fig.layout.sliders[0]
    assert [s.label for s in slider.steps] == [str(y) for y in range(1989, 2012)]
    assert slider.steps[slider.active].label == "2009"
    assert [f.name for f in fig.frames] == [str(y) for y in range(1989, 2012)]
    assert all(s.method == "animate" for s in slider.steps)
    assert fig.layout.updatemenus[0].buttons[0].label.endswith("Play")
    # the initial data is the 2009 frame
    frame_2009 = next(f for f in fig.frames if f.name == "2009")
    assert [t.x for t in fig.data] == [t.x for t in frame_2009.data]


def test_matrix_tells_status_by_symbol_as_well_as_colour(
    over_time: pd.DataFrame, institutions: pd.DataFrame, countries: pd.DataFrame
) -> None:
    fig = figures.membership_matrix_figure(over_time, institutions, countries, end=2011)
    names = [t.name for t in fig.data]
    assert names == ["member", "participant", "observer", "not a member"]
    symbols = [t.marker.symbol for t in fig.data]
    colours = [t.marker.color for t in fig.data]
    assert len(set(symbols)) == len(symbols)
    assert len(set(colours)) == len(colours)
    # every frame has the same traces, so the legend never changes
    assert all([t.name for t in f.data] == names for f in fig.frames)


def test_matrix_2009_cells_follow_the_data(
    over_time: pd.DataFrame, institutions: pd.DataFrame, countries: pd.DataFrame
) -> None:
    fig = figures.membership_matrix_figure(over_time, institutions, countries, end=2011)
    names = countries.set_index("iso3")["name"].map(figures.esc).to_dict()
    cells = {(y, x): t.name for t in fig.data for x, y in zip(t.x, t.y, strict=True)}
    assert cells[(names["PRK"], "ARF")] == "participant"
    assert cells[(names["PRK"], "APEC")] == "not a member"
    assert cells[(names["CHN"], "APEC")] == "observer"
    assert all(cells[(names[c], "SPT")] == "participant" for c in data.SIX_PARTY)
    # rows: the six first; Germany is OSCE-only, so it is not a row
    rows = list(fig.layout.yaxis.categoryarray)
    assert rows[:6] == [names[c] for c in data.SIX_PARTY]
    assert names["DEU"] not in rows
    # a body that does not exist yet has no cells: SPT in 1995
    f1995 = next(f for f in fig.frames if f.name == "1995")
    assert all("SPT" not in t.x for t in f1995.data)
    assert "<script>" not in fig.to_json()
    # hover names the body in full, filled in by the browser from the chart's names
    assert all(t.meta == render.full_names_from("x") for t in fig.data)
    assert all("%{text}" in t.hovertemplate for t in fig.data)


def test_matrix_summary_reports_the_six(countries: pd.DataFrame) -> None:
    matrix = pd.DataFrame(
        {"SPT": ["participant"] * 6, "APEC": ["member", "not a member"] + ["member"] * 4},
        index=list(data.SIX_PARTY),
    )
    matrix["APT"] = ["member", "not a member", "member", "member", "not a member", "not a member"]
    matrix["NATO"] = ["not a member"] * 5 + ["member"]
    matrix["ASEAN"] = ["not a member"] * 6
    text = figures.membership_summary(matrix, 2009, countries)
    # sentences, with plurals, saying which of the six each body seated
    assert "SPT had 6 participants, all six Six-Party states among them." in text
    assert "APEC had 5 members, every Six-Party state among them except DPRK." in text
    three = "APT had 3 members, three of the Six-Party states among them: Korea, China and Japan."
    assert three in text
    assert "NATO had 1 member, the United States the only Six-Party state among them." in text
    assert "ASEAN had no members." in text
    assert ": 5 member;" not in text and "participant;" not in text
    # with the bodies' names: the short name, then the full one
    bodies = render.BodyNames({"APEC": "APEC"}, {"APEC": "Asia-Pacific Economic Cooperation"})
    named = figures.membership_summary(matrix, 2009, countries, bodies=bodies)
    assert "APEC (Asia-Pacific Economic Cooperation) had 5 members" in named


# ----------------------------------------------------------------------------------------------
# overlap


@pytest.fixture
def shared() -> pd.DataFrame:
    rows = [
        ("SPT", "ARF", 6, ["CHN", "JPN", "KOR", "PRK", "RUS", "USA"]),
        ("ARF", "SPT", 6, ["CHN", "JPN", "KOR", "PRK", "RUS", "USA"]),
        ("SPT", "OSCE", 2, ["RUS", "USA"]),
        ("OSCE", "SPT", 2, ["RUS", "USA"]),
        ("ARF", "OSCE", 1, [XSS]),
        ("OSCE", "ARF", 1, [XSS]),
    ]
    return pd.DataFrame(rows, columns=["institution_a", "institution_b", "shared", "members"])


def test_overlap_matrix_is_symmetric_with_counts(shared: pd.DataFrame) -> None:
    mat = data.overlap_matrix(shared, ["SPT", "ARF", "OSCE"])
    assert mat.loc["SPT", "ARF"] == mat.loc["ARF", "SPT"] == 6
    assert mat.loc["OSCE", "SPT"] == 2
    assert pd.isna(mat.loc["SPT", "SPT"])


def test_overlap_figure_prints_counts_and_escapes(shared, institutions) -> None:
    sizes = {"SPT": 6, "ARF": 27, "OSCE": 56}
    fig = figures.institution_overlap_figure(
        [("2009", shared, sizes), ("2026", shared, sizes)], institutions
    )
    # One heatmap per year, then each year's cell numbers as a text layer in the ink that
    # contrasts most with its cell (black or white, at least 4.5:1).
    assert [t.type for t in fig.data] == ["heatmap", "heatmap", "scatter", "scatter"]
    assert [t.visible for t in fig.data] == [True, False, True, False]
    heat = fig.data[0]
    assert list(heat.x) == ["SPT", "ARF", "OSCE"]  # Northeast Asia first, Europe last
    assert fig.data[2].mode == "text" and "6" in [str(v) for v in fig.data[2].text]
    assert heat.z[0][0] == 6 and heat.z[0][1] == 6 and heat.z[2][2] == 56
    assert heat.zmax == 6  # the scale stops at the largest pair, not at a body's own size
    assert len(fig.layout.updatemenus[0].buttons) == 2
    assert "<script>" not in fig.to_json()
    text = figures.overlap_summary(shared, sizes, 2009, focus=(("SPT", "ARF"),))
    assert text.startswith("In 2009 the chart compares 3 bodies, 3 pairs of them.")
    assert "The largest overlap is ARF and SPT with 6 full members in common, then " in text
    assert "SPT has 6 full members and ARF 27; they share 6." in text
    named = figures.overlap_summary(
        shared, sizes, 2009, focus=(("SPT", "ARF"),), bodies=render.BodyNames.of(institutions)
    )
    assert "SPT (Six-Party Talks) has 6 full members and ARF (ASEAN Regional Forum) 27" in named
    # hover names both bodies in full; the OSCE without its aside on the CSCE
    pairs = {(c[0], c[1]) for row in heat.customdata for c in row}
    assert ("ASEAN Regional Forum (ARF)", "Six-Party Talks (SPT)") in pairs
    assert (
        "Organization for Security and Co-operation in Europe (OSCE)",
        "ASEAN Regional Forum (ARF)",
    ) in pairs


def test_overlap_table_lists_each_pair_once(shared: pd.DataFrame) -> None:
    table = data.overlap_table(shared, 2009)
    assert len(table) == 3
    assert set(table.columns) == {"year", "institution_a", "institution_b", "shared", "members"}


# ----------------------------------------------------------------------------------------------
# Global Korea circles


@pytest.fixture
def circles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "ring": [0, 1, 1, 2],
            "ring_name": ["Core", "Neighbours", "Neighbours", f"Far {XSS}"],
            "order": [1, 1, 2, 1],
            "partner": ["ROK-US alliance", "Japan", "China", "World"],
            "label": ["ROK-US alliance", "Japan", "China", XSS],
            "basis": ["stated", "inferred", "inferred", "stated"],
            "description": ["d"] * 4,
            "source": ["kim2009regionalism"] * 4,
            "note": [""] * 4,
        }
    )


def test_circles_draw_one_ring_per_level(circles: pd.DataFrame) -> None:
    fig = figures.global_korea_circles(circles)
    assert len(fig.data) == 3  # one trace per ring
    assert [s.type for s in fig.layout.shapes] == ["circle"] * 3
    ring1 = fig.data[1]
    assert list(ring1.text) == ["<i>Japan*</i>", "<i>China*</i>"]  # inferred: italics + *
    assert fig.layout.yaxis.scaleanchor == "x"  # circles stay round
    assert "<script>" not in fig.to_json()
    text = figures.global_korea_summary(circles)
    assert "Japan (inferred)" in text


def test_global_korea_chart_and_table_from_tables(circles: pd.DataFrame) -> None:
    empty = pd.DataFrame()
    tables = data.Tables(empty, empty, empty, empty, empty, empty, global_korea_circles=circles)
    chart = figures.global_korea_chart(tables)
    assert chart.name == "global-korea"
    assert chart.narrow_layout["height"] == 420 and chart.narrow_layout["font"] == {"size": 10}
    # the rings have their own dark-mode ramp; the core stays the strongest
    assert chart.dark_colours and set(chart.dark_colours) <= {c.lower() for c in RING_FILLS}
    assert chart.summary == figures.global_korea_summary(circles)
    assert [t.name for t in chart.figure.data] == [
        t.name for t in figures.global_korea_circles(circles).data
    ]
    table = figures.global_korea_data(tables)
    assert table.filename == "global_korea_circles.csv"
    pd.testing.assert_frame_equal(table.frame, circles)
    assert "<script>" not in chart._repr_html_() and "<script>" not in table._repr_html_()


def test_circles_csv_of_the_edition_has_the_papers_rings() -> None:
    root = Path(__file__).resolve().parents[1]
    frame = data.load_table("global_korea_circles", root / "data")
    assert list(frame.columns) == list(data.CIRCLES_COLUMNS)
    assert frame.loc[frame["ring"] == 0, "partner"].tolist() == ["ROK-US alliance"]
    assert set(frame.loc[frame["ring"] == 3, "partner"]) == {
        "Southeast Asia", "Central Asia", "India", "Australia", "New Zealand"
    }  # fmt: skip
    assert set(frame["source"]) <= {"kim2009regionalism", "bluehouse2009global"}
    assert set(frame["basis"]) <= {"stated", "inferred"}


# ----------------------------------------------------------------------------------------------
# every chart of the edition: plain names, dark mode, reserved space


@pytest.fixture(scope="module")
def real_charts() -> dict[str, figures.Chart]:
    """The edition's own charts, drawn from data/ exactly as the notebook pages draw them."""
    tables = data.load_tables()
    years = (figures.PAPER_YEAR, figures.latest_year(tables))
    return {
        "administrations": figures.administrations_chart(tables),
        "membership": figures.membership_chart(tables),
        "overlap": figures.overlap_chart(tables, years),
        "global-korea": figures.global_korea_chart(tables),
    }


def _spec(chart: figures.Chart) -> dict:
    html = chart._repr_html_()
    return json.loads(re.search(r'class="nea-chart-spec">(.*?)</script>', html, re.S).group(1))


_COLOUR_KEY = re.compile(r"(color|colorway|colorscale)$", re.I)


def _colours(value: object, in_colour: bool = False) -> list[str]:
    """Every string under a key naming a colour (..color, colorway, colorscale), as
    nea-charts.js finds them."""
    if isinstance(value, str):
        return [value] if in_colour else []
    if isinstance(value, list):
        return [c for v in value for c in _colours(v, in_colour)]
    if isinstance(value, dict):
        return [
            c
            for k, v in value.items()
            for c in _colours(v, in_colour or _COLOUR_KEY.search(k) is not None)
        ]
    return []


def _swap(value: object, swaps: dict[str, str], in_colour: bool = False) -> object:
    """nea-charts.js's recolour, in Python."""
    if isinstance(value, str):
        return swaps.get(value.lower(), value) if in_colour else value
    if isinstance(value, list):
        return [_swap(v, swaps, in_colour) for v in value]
    if isinstance(value, dict):
        return {
            k: _swap(v, swaps, in_colour or _COLOUR_KEY.search(k) is not None)
            for k, v in value.items()
        }
    return value


def test_the_summit_and_the_secretariat_are_told_apart(real_charts) -> None:
    """Bodies by the names readers know: TCS is the secretariat, the summit is the CJK summit."""
    matrix, overlap = real_charts["membership"], real_charts["overlap"]
    for chart in (matrix, overlap):
        labels = list(chart.figure.layout.xaxis.categoryarray)
        assert "TCS" in labels and "CJK summit" in labels
        assert not [label for label in labels if "_" in label], labels
        assert chart.names["TCS"] == "Trilateral Cooperation Secretariat (TCS)"
        assert chart.names["CJK summit"] == "China-Japan-ROK Trilateral Summit (CJK summit)"
        assert chart.names["ARF"] == "ASEAN Regional Forum (ARF)"
        # no internal id anywhere a reader looks: labels, hover, the description
        assert "TCS_SECRETARIAT" not in chart._repr_html_()
        assert "NEAPSM_WG" not in chart._repr_html_()
        assert "_" not in re.sub(r"https?:\S+", "", chart.summary)
    # the summit's id is TCS: the chart must never show that id for it
    assert "CJK summit (China-Japan-ROK Trilateral Summit) had 3 members" in matrix.summary
    timeline = json.dumps(real_charts["administrations"].figure.to_plotly_json()["data"])
    assert "Trilateral Cooperation Secretariat (TCS)" in timeline
    assert "China-Japan-ROK Trilateral Summit (CJK summit)" in timeline


def test_the_tables_under_the_figures_name_bodies_as_the_figures_do() -> None:
    tables = data.load_tables()
    memberships = figures.membership_data(tables).frame
    overlap = figures.overlap_data(tables).frame
    _, events = figures.administrations_tables(tables)
    shown = set(memberships["body"]) | set(overlap["body_a"]) | set(overlap["body_b"])
    shown |= set(events.frame["body"].dropna())
    assert {"TCS", "CJK summit", "NEAPSM WG"} <= shown
    assert not [name for name in shown if "_" in name]
    assert "institution" not in memberships.columns


def test_every_chart_follows_the_theme(real_charts) -> None:
    """Every colour a chart draws is a theme token (swapped in dark mode) or a data colour.

    A literal white or near-black in a new figure would stay put in dark mode; this test names
    it. After the swap nothing of the light furniture is left.
    """
    tokens = {k.lower() for k in render.DARK}
    data_colours = {c.lower() for c in render.OKABE_ITO.values()} | {render.GREY.lower()}
    data_colours |= {c.lower() for c in RING_FILLS} | {"rgba(0,0,0,0)", render.ON_MARK}
    for name, chart in real_charts.items():
        spec = _spec(chart)
        swaps = spec.get("darkColours", {})
        used = {c.lower() for c in _colours(spec) if c}  # (colorbar.ticks is "")
        # colour scales are data colours (cividis for the overlap)
        scales = {c.lower() for t in spec["data"] for c in _colours(t.get("colorscale", []), True)}
        # The overlap's cell numbers are black or white by their cell's colour (a data colour
        # that dark mode does not swap), so they keep their contrast in both modes.
        cell_inks = {"black", "white"} if name == "overlap" else set()
        stray = used - tokens - data_colours - scales - set(swaps) - cell_inks
        assert not stray, f"{name}: colours that ignore the theme: {sorted(stray)}"
        assert set(swaps) <= used, name  # the page carries only the swaps it needs
        dark = _swap({k: spec[k] for k in ("data", "layout", "frames") if k in spec}, swaps)
        template = dark["layout"]["template"]["layout"]
        assert template["paper_bgcolor"] == render.DARK[render.PAPER], name
        assert template["font"]["color"] == render.DARK[render.INK], name
        assert template["hoverlabel"]["bgcolor"] == render.DARK[render.PAPER], name
        left = {c.lower() for c in _colours(dark)} & {render.PAPER, render.INK, render.GRID}
        assert not left, f"{name}: light furniture left in dark mode: {left}"
    # the controls follow the theme too
    matrix = _spec(real_charts["membership"])["layout"]
    assert matrix["sliders"][0]["bgcolor"] == render.CONTROL
    assert matrix["sliders"][0]["name"] == "Year"
    assert matrix["updatemenus"][0]["bgcolor"] == render.CONTROL
    assert _spec(real_charts["overlap"])["layout"]["updatemenus"][0]["font"]["color"] == render.INK


def test_the_placeholder_reserves_the_charts_height(real_charts) -> None:
    html = real_charts["global-korea"]._repr_html_()
    assert "--nea-chart-height:640px;--nea-chart-height-narrow:420px" in html
    matrix = real_charts["membership"]
    height = int(matrix.figure.layout.height)
    narrow = int(matrix.narrow_layout["height"])  # 18 px rows on a phone
    assert narrow <= height
    assert (
        f"--nea-chart-height:{height}px;--nea-chart-height-narrow:{narrow}px"
        in matrix._repr_html_()
    )


def test_no_button_reaches_another_origin() -> None:
    """plotly.js 4 offers "Share chart..." (an upload to Plotly Cloud) unless told not to."""
    assert render.PLOT_CONFIG["showSendToCloud"] is False
    assert render.PLOT_CONFIG["displaylogo"] is False


def test_body_names_read_the_data() -> None:
    frame = pd.DataFrame(
        {
            "id": ["TCS", "TCS_SECRETARIAT", "OSCE", "XSS"],
            "name": [
                "China-Japan-ROK Trilateral Summit",
                "Trilateral Cooperation Secretariat",
                "Organization for Security and Co-operation in Europe (until 1994: CSCE)",
                XSS,
            ],
            "short_name": ["CJK summit", "TCS", "OSCE", f"x{XSS}"],
        }
    )
    names = render.BodyNames.of(frame)
    assert names.labels(["TCS", "TCS_SECRETARIAT"]) == ["CJK summit", "TCS"]
    assert names.hover("OSCE") == "Organization for Security and Co-operation in Europe (OSCE)"
    assert names.spoken("TCS_SECRETARIAT") == "TCS (Trilateral Cooperation Secretariat)"
    assert names.label("UNKNOWN") == "UNKNOWN"
    assert "<script>" not in names.label("XSS") + names.hover("XSS")  # escaped for plotly
    table = names.relabel(pd.DataFrame({"institution": ["TCS", None]}), "institution")
    assert list(table.columns) == ["body"] and table["body"][0] == "CJK summit"
    with pytest.raises(ValueError):
        render.full_names_from("z")


# ----------------------------------------------------------------------------------------------
# the Sphinx extension's cache key


def _package(tmp_path: Path, **tables: str) -> Path:
    """A data folder with one-column tables ``name -> CSV text`` and their descriptor."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    resources = []
    for name, text in tables.items():
        (folder / f"{name}.csv").write_text(text)
        resources.append({"name": name, "path": f"{name}.csv", "schema": {"fields": []}})
    (folder / "datapackage.json").write_text(json.dumps({"resources": resources}))
    return folder


def test_a_table_fingerprint_changes_with_its_csv_and_schema_only(tmp_path: Path) -> None:
    folder = _package(tmp_path, a="x\n1\n", b="y\n1\n")
    first = notebook_inputs.table_fingerprint(folder, "a")
    (folder / "a.csv").write_text("x\n2\n")
    assert notebook_inputs.table_fingerprint(folder, "a") != first
    (folder / "a.csv").write_text("x\n1\n")
    assert notebook_inputs.table_fingerprint(folder, "a") == first  # content, not mtime
    (folder / "b.csv").write_text("y\n2\n")
    assert notebook_inputs.table_fingerprint(folder, "a") == first  # another table: no effect
    descriptor = json.loads((folder / "datapackage.json").read_text())
    descriptor["resources"][0]["schema"]["fields"] = [{"name": "x", "type": "integer"}]
    (folder / "datapackage.json").write_text(json.dumps(descriptor))
    assert notebook_inputs.table_fingerprint(folder, "a") != first  # its schema types the frame


def test_a_notebook_fingerprint_covers_exactly_its_declared_tables(tmp_path: Path) -> None:
    folder = _package(tmp_path, a="x\n1\n", b="y\n1\n")
    reads_a, reads_both = notebook_inputs.Fingerprints(tmp_path).of(("a",)), None
    reads_both = notebook_inputs.Fingerprints(tmp_path).of(("a", "b"))
    (folder / "b.csv").write_text("y\n2\n")
    assert notebook_inputs.Fingerprints(tmp_path).of(("a",)) == reads_a
    assert notebook_inputs.Fingerprints(tmp_path).of(("a", "b")) != reads_both


def test_fingerprint_covers_the_modules_the_notebooks_import() -> None:
    package = Path(data.__file__).resolve().parents[1]
    hashed = {p.relative_to(package).as_posix() for p in notebook_inputs.notebook_modules()}
    # every module a notebook imports, in the subpackages too, followed through imports
    assert {
        "__init__.py", "figures/__init__.py", "figures/render.py", "figures/timeline.py",
        "figures/membership_matrix.py", "figures/institution_overlap.py",
        "figures/global_korea.py", "data/__init__.py", "data/tables.py", "data/derived.py",
        "checks/validation.py", "checks/errors.py", "paths.py", "clock.py",
    } <= hashed  # fmt: skip
    # never the Sphinx side, the build driver or the PDF printer
    assert not {p for p in hashed if p.startswith("site/")}
    assert not hashed & {"build.py", "pdf.py", "toc.py", "notebook_inputs.py"}


def test_imports_inside_functions_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "nea_edition"
    (package / "figures").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "figures" / "__init__.py").write_text("from .draw import chart\n")
    (package / "figures" / "draw.py").write_text(
        "def chart():\n    from nea_edition.late import helper\n    return helper()\n"
    )
    (package / "late.py").write_text("def helper():\n    return 1\n")
    (package / "build.py").write_text("import nea_edition.figures\n")
    monkeypatch.setattr(notebook_inputs, "PACKAGE_DIR", package)
    found = {p.relative_to(package).as_posix() for p in notebook_inputs.notebook_modules()}
    assert found == {"__init__.py", "figures/__init__.py", "figures/draw.py", "late.py"}


@pytest.fixture
def package_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the package that code_fingerprint hashes instead of the real one."""
    package = Path(notebook_inputs.__file__).resolve().parent
    copy = tmp_path / "nea_edition"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(notebook_inputs, "PACKAGE_DIR", copy)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    return copy


@pytest.mark.parametrize(
    "module",
    [
        "pdf.py",
        "build.py",
        "site/charts.py",
        "site/metadata.py",
        "site/link_repair.py",
        "citation/model.py",
    ],
)
def test_editing_the_build_side_reruns_no_notebook(package_copy: Path, module: str) -> None:
    before = notebook_inputs.code_fingerprint()
    path = package_copy / module
    path.write_text(path.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert notebook_inputs.code_fingerprint() == before, module


@pytest.mark.parametrize("module", ["figures/render.py", "data/tables.py", "clock.py"])
def test_editing_the_figures_or_the_data_layer_reruns_the_notebooks(
    package_copy: Path, module: str
) -> None:
    before = notebook_inputs.code_fingerprint()
    path = package_copy / module
    path.write_text(path.read_text(encoding="utf-8") + "\n# an edit\n", encoding="utf-8")
    assert notebook_inputs.code_fingerprint() != before, module


def test_the_data_layer_never_imports_the_figures() -> None:
    import subprocess
    import sys

    code = (
        "import sys, nea_edition.data; "
        "print(sorted(m for m in sys.modules if m.startswith(('nea_edition.figures', 'plotly'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
    package = Path(data.__file__).resolve().parent
    imports_figures = re.compile(
        r"^\s*(from|import)\s+nea_edition(\.figures|\s+import\s+figures)", re.M
    )
    for module in package.glob("*.py"):
        assert not imports_figures.search(module.read_text(encoding="utf-8")), module.name


def test_the_inputs_cell_goes_to_notebooks_that_declare_their_tables() -> None:
    nb = "---\nkernelspec:\n  name: python3\nnea_edition:\n  tables: [events, agenda]\n---\n# T\n"
    assert notebook_inputs.is_notebook_source(nb)
    assert not notebook_inputs.is_notebook_source("# Plain page\n")
    assert not notebook_inputs.is_notebook_source("---\ntitle: x\n---\n# Page\n")
    assert notebook_inputs.declared_tables(nb) == ("agenda", "events")
    assert notebook_inputs.declared_tables("---\nkernelspec:\n  name: python3\n---\n") is None
    cell = notebook_inputs.inputs_cell("abc", ("agenda", "events"))
    assert "remove-cell" in cell and "abc" in cell and cell.count("```") == 2
    assert "os.environ['NEA_EDITION_TABLES'] = 'agenda,events'" in cell


def test_a_notebook_cannot_use_a_table_it_did_not_declare(monkeypatch) -> None:
    monkeypatch.setenv("NEA_EDITION_TABLES", "events")
    tables = data.load_tables()
    assert len(tables.events) > 0
    with pytest.raises(data.UndeclaredTableError, match="memberships"):
        tables.memberships["country"]
    with pytest.raises(data.UndeclaredTableError, match="front matter"):
        len(tables.memberships)
    monkeypatch.setenv("NEA_EDITION_TABLES", "events,treaties")
    with pytest.raises(data.UndeclaredTableError, match="treaties"):
        data.load_tables()


def test_chart_pages_are_detected_from_the_doctree() -> None:
    from docutils import nodes

    page = nodes.section()
    page += nodes.raw("", '<div class="nea-chart" id="x"></div>', format="html")
    assert charts.page_has_chart(page)
    plain = nodes.section()
    plain += nodes.raw("", "<p>hi</p>", format="html")
    assert not charts.page_has_chart(plain)
    assert not charts.page_has_chart(None)


def test_pages_get_the_partial_plotly_bundle_and_other_traces_fail(
    administrations, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docutils import nodes

    fig = figures.administrations_timeline(administrations, today="2000-01-01")
    page = nodes.section()
    page += nodes.raw("", figures.chart_html(fig, name="t", label="l", summary="s"), format="html")
    assert charts.chart_trace_types(page) == {"bar"}
    partial = charts.partial_bundle_name()
    assert partial == f"plotly-edition-{charts.plotly_js_version()}.min.js"
    assert (charts.STATIC_DIR / partial).is_file()

    class App:
        def __init__(self) -> None:
            self.scripts: list[tuple] = []

        def add_js_file(self, name: str, **attributes: object) -> None:
            self.scripts.append((name, attributes))

        def add_css_file(self, name: str, **attributes: object) -> None:
            pass

    warnings: list[str] = []
    monkeypatch.setattr(charts.logger, "warning", lambda message, **_: warnings.append(message))
    app = App()
    charts.add_chart_assets(app, "p", "page.html", {}, page)
    assert app.scripts == [
        ("nea-charts.js", {"priority": 601, "defer": "defer", "data-plotly": partial})
    ]
    assert not warnings
    import plotly.graph_objects as go

    geo = go.Figure(go.Scattergeo(lon=[0], lat=[0]))
    other = nodes.section()
    other += nodes.raw("", figures.chart_html(geo, name="g", label="l", summary="s"), format="html")
    charts.add_chart_assets(App(), "p", "page.html", {}, other)
    assert len(warnings) == 1 and "scattergeo" in warnings[0], warnings
