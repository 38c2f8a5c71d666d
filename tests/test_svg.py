"""The SVG pictures: well-formed, complete, legible (no overlaps), safe and deterministic."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import check_golden
from generator.model import (
    Charter,
    Engagement,
    Measurement,
    Mechanism,
    Meeting,
    Metric,
    Partner,
    Vision,
)
from generator.pictures import svg
from generator.pictures.base import Box, text_width, wrap
from generator.pictures.engagement_map import band_width
from generator.pictures.map_layout import map_layout, overlapping
from generator.pictures.metric_charts import date_text, value_text
from generator.source import parse_charter, read_all
from generator.spec import STAGE_LABELS

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "svg"
NS = "{http://www.w3.org/2000/svg}"
TODAY = dt.date(2026, 8, 1)
HOSTILE = '<script>alert(1)</script> & "quotes" \'apos\' ]]> \x01'
LONG = "Greater Northumbrian Integrated Workforce Development Collaborative Partnership Trust"


def examples() -> list[Charter]:
    charters, problems = read_all([ROOT / "charters"])
    assert problems == []
    return charters


def fixture(name: str) -> Charter:
    path = CASES / name
    charter, problems = parse_charter(path.read_bytes(), f"tests/cases/svg/{name}")
    assert problems == []
    assert charter is not None
    return charter


def all_charters() -> list[Charter]:
    return [*examples(), fixture("fifteen-partners.yaml")]


def made(count: int, name: str = LONG, hub_name: str = "The Hub") -> Charter:
    """A charter with a hub and `count` other partners, every name long."""
    sectors = ("health", "education", "social-care", "local-government", "voluntary",
               "research", "industry", "other", None)
    partners = (Partner("hub", hub_name, "health"),
                *(Partner(f"p{i}", f"{name} {i}", sectors[i % len(sectors)])
                  for i in range(count)))
    mechanisms = (Mechanism("Board", "face-to-face", "monthly"),
                  Mechanism("Call", "virtual", None, ("p0", "p1")))
    return Charter("made", "made.yaml", "Made up", "Summary", "hub", partners,
                   Vision("Vision"), engagement=Engagement(mechanisms, (("p0", "p1"),)))


def parse(picture: str) -> ET.Element:
    return ET.fromstring(picture)


def texts(root: ET.Element) -> list[str]:
    """The words of every <text>, lines joined with spaces."""
    return [" ".join("".join(t.itertext()).split()) if not list(t) else
            " ".join("".join(s.itertext()) for s in t.iter(f"{NS}tspan"))
            for t in root.iter(f"{NS}text")]


def titles(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{NS}title")]


def metric(values: list[float], baseline: float | None = 58, target: float | None = 75,
           unit: str | None = "%") -> Metric:
    points = tuple(Measurement(dt.date(2025, 1 + i % 12, 28) + dt.timedelta(days=366 * (i // 12)),
                               v) for i, v in enumerate(values))
    return Metric("placements", "Students placed", "increase", unit, baseline, target,
                  dt.date(2027, 9, 1), points)


def every_picture() -> list[str]:
    pictures = [svg.stage_cycle(s) for s in (None, "convene", "focus")]
    for charter in all_charters():
        pictures.append(svg.engagement_map(charter, TODAY))
        for m in charter.metrics:
            pictures += [svg.metric_chart(m, TODAY), svg.sparkline(m)]
    return pictures


# --- Every picture ------------------------------------------------------------------------------

def test_every_picture_is_well_formed_one_line_svg_labelled_by_its_own_title() -> None:
    for picture in every_picture():
        assert picture.startswith("<svg ")
        assert "\n" not in picture
        root = parse(picture)
        assert root.get("role") == "img"
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        labelled_by = root.get("aria-labelledby", "").split()
        assert labelled_by == [f"{root.get('id')}-title", f"{root.get('id')}-desc"]
        assert set(labelled_by) <= ids
        assert root.find(f"{NS}title") is not None
        assert root.find(f"{NS}desc") is not None


def test_no_picture_links_scripts_handlers_images_or_fetches_anything() -> None:
    for picture in every_picture():
        assert "href" not in picture
        assert "<script" not in picture.lower()
        assert "<image" not in picture
        assert "url(" not in picture
        assert not re.search(r"\son\w+\s*=", picture)


def test_pictures_sharing_a_page_have_distinct_ids() -> None:
    ids: list[str] = []
    for picture in every_picture():
        ids += [e.get("id", "") for e in parse(picture).iter() if e.get("id")]
    assert len(ids) == len(set(ids))


def test_same_metric_id_in_two_charters_gets_two_ids_when_scoped() -> None:
    m = metric([58, 62])
    first = parse(svg.metric_chart(m, TODAY, scope="one")).get("id")
    second = parse(svg.metric_chart(m, TODAY, scope="two")).get("id")
    assert first != second


def test_output_is_deterministic() -> None:
    assert every_picture() == every_picture()


# --- Engagement map -----------------------------------------------------------------------------

@pytest.mark.parametrize("charter", all_charters(), ids=lambda c: c.id)
def test_every_partner_is_drawn_with_its_full_name_and_labelled(charter: Charter) -> None:
    root = parse(svg.engagement_map(charter))
    nodes = [g for g in root.iter(f"{NS}g") if "cc-node" in g.get("class", "")]
    assert len(nodes) == len(charter.partners)
    node_titles = ["".join(g.find(f"{NS}title").itertext()) for g in nodes]  # type: ignore[union-attr]
    labels = texts(root)
    for partner in charter.partners:
        assert any(t.startswith(partner.name + " (") for t in node_titles), partner.name
        shown = [t for t in labels if t == partner.name
                 or (t.endswith("…") and " ".join(partner.name.split()).startswith(t[:-1]))]
        assert shown, f"no label for {partner.name}"


@pytest.mark.parametrize("count", range(2, 16))
def test_labels_never_overlap_each_other_or_any_node(count: int) -> None:
    layout = map_layout(made(count))
    labels = [lb.box for lb in layout.labels]
    nodes = [n.box for n in (layout.hub, *layout.nodes)]
    assert len(labels) == count + 1
    for i, a in enumerate(labels):
        assert not any(a.overlaps(b) for b in labels[i + 1:])
        assert not any(a.overlaps(n) for n in nodes)
    for i, a in enumerate(nodes):
        assert not any(a.overlaps(b) for b in nodes[i + 1:])


def test_fifteen_partner_fixture_has_no_overlaps_and_fifteen_nodes_round_the_hub() -> None:
    layout = map_layout(fixture("fifteen-partners.yaml"))
    assert len(layout.nodes) == 15
    assert overlapping(list(layout.labels), (layout.hub, *layout.nodes)) == []


def test_labels_are_drawn_where_the_layout_says() -> None:
    charter = fixture("fifteen-partners.yaml")
    layout = map_layout(charter)
    root = parse(svg.engagement_map(charter))
    drawn = {(t.get("text-anchor"), "".join(t.itertext())): t.find(f"{NS}tspan")
             for t in root.iter(f"{NS}text") if "cc-label" in t.get("class", "")}
    for label in layout.labels:
        first = drawn[(label.anchor, "".join(label.lines))]
        assert first is not None
        x = {"start": label.box.x0, "end": label.box.x1,
             "middle": (label.box.x0 + label.box.x1) / 2}[label.anchor]
        assert float(first.get("x", "nan")) == pytest.approx(x, abs=0.06)
        assert label.box.y0 < float(first.get("y", "nan")) < label.box.y1


def test_long_names_wrap_to_three_lines_and_end_with_an_ellipsis() -> None:
    lines = wrap(LONG, 18)
    assert len(lines) == 3
    assert all(len(line) <= 18 for line in lines)
    assert lines[-1].endswith("…")
    assert wrap("Solent NHS Trust", 18) == ["Solent NHS Trust"]


def test_spokes_show_in_person_remote_and_no_mechanism_by_dash_style() -> None:
    charter = replace(made(3), engagement=Engagement(
        (Mechanism("Call", "virtual", None, ("p0",)), Mechanism("Visit", "on-site", None, ("p1",))),
        ()))
    root = parse(svg.engagement_map(charter))
    # Spokes start at the hub, (0, 0); the legend's sample lines do not.
    spokes = [e.get("class", "") for e in root.iter(f"{NS}line") if e.get("x1") == "0"]
    assert sorted(spokes) == ["cc-spoke cc-spoke-inperson", "cc-spoke cc-spoke-none",
                              "cc-spoke cc-spoke-remote"]
    dashes = {e.get("class"): e.get("stroke-dasharray") for e in root.iter(f"{NS}line")
              if e.get("x1") == "0"}
    assert dashes["cc-spoke cc-spoke-inperson"] is None
    assert dashes["cc-spoke cc-spoke-remote"] != dashes["cc-spoke cc-spoke-none"]


def test_mechanism_markers_sit_on_the_spokes_of_the_partners_they_reach() -> None:
    charter = next(c for c in examples() if c.id == "wessex-healthcare-education")
    root = parse(svg.engagement_map(charter))
    marks = [t for t in titles(root) if " reaches " in t]
    expected = sum(1 for m in charter.engagement.mechanisms for p in charter.partners
                   if p.id != charter.hub and m.reaches(p.id))
    assert len(marks) == expected
    call = "3. Placement coordinators' call (virtual, fortnightly)"
    assert f"{call} reaches Solent NHS Trust" in marks


def test_links_between_partners_are_drawn_with_their_own_style() -> None:
    charter = next(c for c in examples() if c.id == "wessex-healthcare-education")
    root = parse(svg.engagement_map(charter))
    links = [e for e in root.iter(f"{NS}path") if e.get("class") == "cc-link"]
    assert len(links) == len(charter.engagement.links)
    assert all(e.get("stroke-dasharray") == "10 3 2 3" for e in links)


@pytest.mark.parametrize("count", [2, 3, 5])
def test_a_links_curve_stays_inside_the_pictures_frame(count: int) -> None:
    root = parse(svg.engagement_map(made(count)))
    x0, y0, w, h = (float(v) for v in root.get("viewBox", "").split())
    [link] = [e for e in root.iter(f"{NS}path") if e.get("class") == "cc-link"]
    ax, ay, cx, cy, bx, by = (float(v) for v in
                              re.findall(r"-?[0-9.]+", link.get("d", "")))
    x, y = (ax + 2 * cx + bx) / 4, (ay + 2 * cy + by) / 4  # the middle of the curve
    assert x0 < x < x0 + w
    assert y0 < y < y0 + h


Point = tuple[float, float]


def drawn_links_and_markers(root: ET.Element) -> tuple[list[list[float]], list[Point]]:
    """Each link's path as numbers (start, control, end) and each marker's centre on a spoke."""
    links = [[float(v) for v in re.findall(r"-?[0-9.]+", e.get("d", ""))]
             for e in root.iter(f"{NS}path") if e.get("class") == "cc-link"]
    markers = []
    for g in root.iter(f"{NS}g"):
        if g.get("class") != "cc-marker":
            continue
        glyph = g[1]  # after its <title>: a circle, or a square
        if glyph.get("cx") is not None:
            x, y = float(glyph.get("cx", "0")), float(glyph.get("cy", "0"))
        else:
            half = float(glyph.get("width", "0")) / 2
            x, y = float(glyph.get("x", "0")) + half, float(glyph.get("y", "0")) + half
        if (x, y) != (0, 0):  # the legend's markers are drawn at 0, 0 and moved
            markers.append((x, y))
    return links, markers


def test_a_link_between_partners_never_runs_over_a_mechanism_marker() -> None:
    # Solent NHS Trust's link to the university crossed the hospital's spoke right on its
    # marker 2, and read as part of it.
    across = replace(made(5), engagement=Engagement(made(5).engagement.mechanisms[:1],
                                                    (("p0", "p2"), ("p1", "p3"), ("p4", "p1"))))
    checked = 0
    for charter in [*examples(), fixture("fifteen-partners.yaml"), across]:
        links, markers = drawn_links_and_markers(parse(svg.engagement_map(charter)))
        assert markers, charter.id
        for ax, ay, cx, cy, bx, by in links:
            curve = [((1 - t) ** 2 * ax + 2 * (1 - t) * t * cx + t * t * bx,
                      (1 - t) ** 2 * ay + 2 * (1 - t) * t * cy + t * t * by)
                     for t in (k / 400 for k in range(401))]
            over = [(mx, my) for mx, my in markers
                    if min(((x - mx) ** 2 + (y - my) ** 2) ** 0.5 for x, y in curve) < 7 + 1.25]
            assert over == [], (charter.id, (ax, ay), (bx, by))
            checked += 1
    assert checked >= 6


def test_engagement_text_has_a_sentence_for_the_hub_and_each_partner() -> None:
    charter = next(c for c in examples() if c.id == "wessex-healthcare-education")
    sentences = svg.engagement_text(charter)
    assert len(sentences) == len(charter.partners)
    assert sentences[0].startswith("Wessex Education and Training Board (education) is the hub")
    solent = next(s for s in sentences if s.startswith("Solent NHS Trust (health)"))
    assert "linked to the hub Wessex Education and Training Board" in solent
    assert "Partnership board (face-to-face, quarterly" in solent
    assert "also linked directly to University of Wessex" in solent


def test_a_partner_no_mechanism_reaches_is_said_to_be_unreached() -> None:
    charter = replace(made(2), engagement=Engagement())
    assert svg.engagement_text(charter)[1].endswith("not reached by any engagement mechanism.")


def test_hostile_partner_and_mechanism_text_is_escaped_and_still_parses() -> None:
    charter = replace(made(4, name=HOSTILE, hub_name=HOSTILE), title=HOSTILE,
                      engagement=Engagement((Mechanism(HOSTILE, "written", HOSTILE),), ()))
    picture = svg.engagement_map(charter)
    assert "<script" not in picture
    root = parse(picture)
    clean = HOSTILE.replace("\x01", "")
    assert any(t.startswith(clean) for t in titles(root))


# --- What happened: meetings attended, as the width of a band under each spoke ------------------

def logged(count: int = 4, networks: int = 0) -> Charter:
    """`made(count)` with a log, partner p<i> attending i of the six boards (p0 none of them),
    and `networks` networks for every partner, the hub too."""
    boards = tuple(Meeting(dt.date(2026, m, 1), "Board", "face-to-face",
                           ("hub", *(f"p{i}" for i in range(count) if i >= m)))
                   for m in range(1, 7))
    charter = made(count)
    partners = tuple(replace(p, networks=tuple(f"Network {k} of {p.name}" for k in range(networks)))
                     for p in charter.partners)
    return replace(charter, partners=partners, meetings=boards)


def bands(root: ET.Element) -> dict[str, float]:
    """Each band's width by the partner its title names."""
    return {"".join(e.find(f"{NS}title").itertext()).split(":")[0]:  # type: ignore[union-attr]
            float(e.get("stroke-width", "nan"))
            for e in root.iter(f"{NS}line")
            if e.get("class") == "cc-attended" and e.get("x1") == "0"}  # not the legend's


def test_band_widths_follow_the_meetings_each_partner_attended() -> None:
    charter = logged(5)
    counts = {charter.partner(f"p{i}").name: charter.engagement_of(f"p{i}", TODAY).attended
              for i in range(5)}
    assert sorted(counts.values()) == [0, 1, 2, 3, 4]
    widths = bands(parse(svg.engagement_map(charter, TODAY)))
    attended = {name: n for name, n in counts.items() if n}
    assert set(widths) == set(attended)  # a partner that attended none has no band
    ranked = sorted(attended, key=attended.__getitem__)
    assert [widths[name] for name in ranked] == sorted(widths.values())
    assert len(set(widths.values())) == len(widths)  # strictly wider for more
    assert widths[ranked[-1]] == band_width(4, 4) > widths[ranked[0]] == band_width(1, 4) > 2
    # One meeting must not look like none: the band shows 2 units either side of the spoke.
    assert band_width(1, 9) >= 2 + 2 * 2


def test_each_partners_count_is_said_in_words_on_its_spoke_and_in_the_description() -> None:
    charter = logged(3)
    root = parse(svg.engagement_map(charter, TODAY))
    spokes = ["".join(e.find(f"{NS}title").itertext())  # type: ignore[union-attr]
              for e in root.iter(f"{NS}line") if "cc-spoke" in e.get("class", "")
              and e.get("x1") == "0"]
    assert len(spokes) == 3
    for i in range(3):
        said = (f"attended {i} of the 6 meetings that reach it in the 12 months to "
                f"{TODAY.isoformat()}")
        assert any(t.startswith(f"{LONG} {i}: ") and t.endswith(said) for t in spokes)
        assert said in "".join(root.find(f"{NS}desc").itertext())  # type: ignore[union-attr]


def test_the_legend_says_what_the_width_of_a_band_means_in_words() -> None:
    root = parse(svg.engagement_map(logged(4), TODAY))
    assert f"Meetings attended in the 12 months to {TODAY.isoformat()}" in texts(root)
    words = titles(root)  # each legend entry's words in full
    assert "band: attended 3 meetings" in words
    assert "band: attended 1 meeting" in words
    assert "no band: attended none" in words


def test_without_a_build_date_or_a_log_the_map_shows_no_bands() -> None:
    for picture in (svg.engagement_map(logged(4)), svg.engagement_map(made(4), TODAY)):
        root = parse(picture)
        assert not [e for e in root.iter() if e.get("class") == "cc-attended"]
        assert not any(t.startswith("Meetings attended") for t in texts(root))


# --- Wider networks: the outer ring -------------------------------------------------------------

def network_lines(g: ET.Element) -> list[str]:
    """The lines of a drawn network's name."""
    text = g.find(f"{NS}text")
    assert text is not None
    return ["".join(span.itertext()) for span in text.iter(f"{NS}tspan")]


def network_groups(root: ET.Element) -> list[tuple[str, str]]:
    """Each drawn network: its <title> and its label (its lines joined by spaces)."""
    return [("".join(g.find(f"{NS}title").itertext()),  # type: ignore[union-attr]
             " ".join(network_lines(g)))
            for g in root.iter(f"{NS}g") if g.get("class") == "cc-network"]


def test_each_network_is_a_ring_node_named_in_full_in_its_title_and_shortened_on_the_map() -> None:
    charter = replace(made(2), partners=(
        *made(2).partners[:2],
        replace(made(2).partners[2], networks=("Dorset GP federation", "A" * 60))))
    root = parse(svg.engagement_map(charter))
    whose = charter.partners[2].name
    assert network_groups(root) == [
        (f"Dorset GP federation: a wider network {whose} brings in", "Dorset GP federation"),
        (f"{'A' * 60}: a wider network {whose} brings in", "A" * 22 + " " + "A" * 21 + "…")]
    rings = [g.find(f"{NS}circle") for g in root.iter(f"{NS}g") if g.get("class") == "cc-network"]
    assert all(r is not None and r.get("class") == "cc-network-node" for r in rings)
    assert "a partner's wider network" in titles(root)


def test_networks_lie_further_from_the_hub_than_their_partners_node() -> None:
    layout = map_layout(logged(8, networks=3))
    node = {n.partner_id: n for n in layout.nodes}
    assert {net.partner_id for net in layout.networks} == {"hub", *node}
    for net in layout.networks:
        if net.partner_id == "hub":
            continue  # under its name, at the centre
        x, y = net.ring
        n = node[net.partner_id]
        assert (x * x + y * y) ** 0.5 > (n.x * n.x + n.y * n.y) ** 0.5


def test_the_hubs_networks_are_drawn_under_its_name() -> None:
    charter = logged(3)
    charter = replace(charter, partners=(replace(charter.partners[0], networks=("Hub's own",)),
                                         *charter.partners[1:]))
    layout = map_layout(charter)
    [net] = layout.networks
    assert (net.partner_id, net.name) == ("hub", "Hub's own")
    assert net.box.y0 >= layout.labels[0].box.y1


def estimated_boxes(root: ET.Element) -> list[tuple[str, Box]]:
    """Every label and network name as drawn, boxed by the estimate of its text's width."""
    found = []
    for t in root.iter(f"{NS}text"):
        cls = t.get("class", "")
        if "cc-label" not in cls:
            continue
        size = float(t.get("font-size", "nan"))
        spans = list(t.iter(f"{NS}tspan")) or [t]
        for span in spans:
            words = "".join(span.itertext())
            x, y = float(span.get("x", "nan")), float(span.get("y", "nan"))
            w = text_width(words, size)
            x0 = {"start": x, "end": x - w, "middle": x - w / 2}[t.get("text-anchor", "start")]
            found.append((words, Box(x0, y - 0.9 * size, x0 + w, y + 0.2 * size)))
    return found


@pytest.mark.parametrize(("partners", "networks"), [(2, 6), (5, 2), (8, 4), (12, 6)])
def test_network_labels_never_overlap_each_other_names_or_nodes(partners: int,
                                                                networks: int) -> None:
    charter = logged(partners, networks)
    layout = map_layout(charter)
    assert len(layout.networks) == (partners + 1) * networks  # the hub's too
    assert overlapping(list(layout.labels), (layout.hub, *layout.nodes), layout.networks) == []
    # And as drawn: every line of text, boxed by its estimated width, clear of every other.
    drawn = estimated_boxes(parse(svg.engagement_map(charter, TODAY)))
    assert len(drawn) >= partners * networks + partners
    clash = [(a, b) for i, (a, abox) in enumerate(drawn) for b, bbox in drawn[i + 1:]
             if abox.overlaps(bbox)]
    assert clash == []


def test_networks_past_eight_share_one_entry_that_names_them_in_its_title() -> None:
    names = tuple(f"Network {k}" for k in range(11))
    charter = made(2)
    charter = replace(charter, partners=(*charter.partners[:2],
                                         replace(charter.partners[2], networks=names)))
    drawn = network_groups(parse(svg.engagement_map(charter)))
    assert len(drawn) == 8
    assert [label for _, label in drawn[:7]] == list(names[:7])
    whose = charter.partners[2].name
    assert drawn[7] == (f"4 more wider networks {whose} brings in: Network 7; Network 8; "
                        "Network 9; Network 10", "and 4 more")


def test_a_long_network_name_wraps_like_a_partners_name_instead_of_widening_the_map() -> None:
    # One network named on a single 33-character line made the example's map 100 units wider,
    # which shrank every word of it on the page and on paper.
    long = "Dorset care home providers' forum"
    base = made(5)
    charter = replace(base, partners=(*base.partners[:2],
                                      replace(base.partners[2], networks=(long,)),
                                      *base.partners[3:]))
    root = parse(svg.engagement_map(charter, TODAY))
    [group] = [g for g in root.iter(f"{NS}g") if g.get("class") == "cc-network"]
    lines = network_lines(group)
    assert " ".join(lines) == long
    assert len(lines) == 2
    assert max(len(line) for line in lines) <= 22
    without = parse(svg.engagement_map(base, TODAY))
    assert float(root.get("width", "inf")) <= float(without.get("width", "0")) + 20


def test_twelve_partners_with_six_networks_each_stay_a_readable_size() -> None:
    root = parse(svg.engagement_map(logged(12, 6), TODAY))
    assert float(root.get("width", "inf")) < 1000
    assert min(float(t.get("font-size", "0")) for t in root.iter(f"{NS}text")) >= 9


def test_hostile_network_names_are_escaped_and_still_parse() -> None:
    charter = made(2)
    charter = replace(charter, partners=(*charter.partners[:2],
                                         replace(charter.partners[2], networks=(HOSTILE,))))
    picture = svg.engagement_map(charter)
    assert "<script" not in picture
    [(title, label)] = network_groups(parse(picture))
    assert title.startswith(HOSTILE.replace("\x01", "")[:20])
    assert label.startswith("<script>")


def test_the_map_in_words_names_each_partners_networks() -> None:
    charter = next(c for c in examples() if c.id == "wessex-healthcare-education")
    dorset = next(s for s in svg.engagement_text(charter)
                  if s.startswith("Dorset County Hospital NHS Foundation Trust (health)"))
    assert dorset.endswith("; brings in the wider networks Dorset GP federation and Dorset "
                           "Integrated Care System.")


# --- Metrics ------------------------------------------------------------------------------------

@pytest.mark.parametrize("values", [[], [58], [58, 62, 66, 70, 64, 71, 73], [5, 5, 5],
                                    [-4.5, -1, 1.5], [1e6, 2.5e6]])
def test_every_measurement_has_one_marker_with_its_value(values: list[float]) -> None:
    m = metric(values)
    root = parse(svg.metric_chart(m, TODAY))
    points = [e for e in root.iter(f"{NS}circle") if e.get("class") == "cc-point"]
    assert len(points) == len(values)
    for point, measurement in zip(points, m.measurements, strict=True):
        words = "".join(point.find(f"{NS}title").itertext())  # type: ignore[union-attr]
        assert value_text(measurement.value, "%") in words
        assert date_text(measurement.date) in words
    if not values:
        assert "No measurements yet" in texts(root)


def test_baseline_and_target_lines_appear_exactly_when_set() -> None:
    both = parse(svg.metric_chart(metric([60, 65]), TODAY))
    classes = [e.get("class") for e in both.iter(f"{NS}line")]
    assert "cc-ref cc-baseline" in classes
    assert "cc-ref cc-target" in classes
    assert "Baseline 58%" in texts(both)
    assert "Target 75%" in texts(both)
    neither = parse(svg.metric_chart(metric([60, 65], baseline=None, target=None), TODAY))
    assert not [e for e in neither.iter(f"{NS}line") if "cc-ref" in e.get("class", "")]


def test_chart_says_which_way_is_better_and_labels_the_latest_value() -> None:
    root = parse(svg.metric_chart(metric([58, 62, 66]), TODAY))
    assert "↑ Higher is better" in texts(root)
    assert "latest 66%" in texts(root)
    falling = Metric("waits", "Waits", "decrease", "days", 20, 10, None,
                     (Measurement(dt.date(2025, 1, 1), 20),))
    words = texts(parse(svg.metric_chart(falling, TODAY)))
    assert "↓ Lower is better" in words
    assert "Values in days" in words


def test_chart_axis_shows_months_and_values_with_the_unit() -> None:
    words = texts(parse(svg.metric_chart(metric([58, 62, 66]), TODAY)))
    assert "Jan 2026" in words
    assert all(re.fullmatch(r"[A-Z][a-z]{2} 20\d\d", w) for w in words if w[:1].isupper()
               and w[-4:].isdigit())
    assert any(re.fullmatch(r"\d+%", w) for w in words)


def test_hostile_metric_text_is_escaped_and_still_parses() -> None:
    m = Metric("x", HOSTILE, "increase", HOSTILE, 1, 2, None, (Measurement(TODAY, 1.5),))
    for picture in (svg.metric_chart(m, TODAY), svg.sparkline(m)):
        assert "<script" not in picture
        parse(picture)


def test_sparkline_is_small_and_titled_with_first_latest_and_target() -> None:
    root = parse(svg.sparkline(metric([58, 62, 66])))
    assert (root.get("width"), root.get("height")) == ("100", "24")
    assert titles(root)[0] == "58 → 66%, target 75%"
    empty = parse(svg.sparkline(metric([], target=None)))
    assert titles(empty)[0] == "No measurements yet"


# --- Stage cycle --------------------------------------------------------------------------------

@pytest.mark.parametrize("stage", ["convene", "balance", "adapt", "focus", "future"])
def test_current_stage_is_marked_by_outline_and_words(stage: str) -> None:
    root = parse(svg.stage_cycle(stage))
    current = [g for g in root.iter(f"{NS}g") if "cc-current" in g.get("class", "")]
    assert len(current) == 1
    assert f"{stage.capitalize()}: {STAGE_LABELS[stage]} (current stage)" in titles(current[0])
    assert "current stage" in texts(current[0])
    ring = current[0].find(f"{NS}circle[@class='cc-current-ring']")
    assert ring is not None


def test_stage_cycle_shows_all_five_stages_with_their_descriptions() -> None:
    words = texts(parse(svg.stage_cycle(None)))
    for k, name in enumerate(("Convene", "Balance", "Adapt", "Focus", "Future")):
        assert f"{k + 1}. {name}" in words
        assert STAGE_LABELS[name.lower()] in words
    assert "current stage" not in words


# --- Golden files -------------------------------------------------------------------------------

GOLDEN = {
    "wessex-map.svg": lambda: svg.engagement_map(
        next(c for c in examples() if c.id == "wessex-healthcare-education")),
    "fifteen-map.svg": lambda: svg.engagement_map(fixture("fifteen-partners.yaml")),
    "wessex-map-logged.svg": lambda: svg.engagement_map(
        next(c for c in examples() if c.id == "wessex-healthcare-education"), TODAY),
    "waits-chart.svg": lambda: svg.metric_chart(fixture("fifteen-partners.yaml").metrics[0], TODAY),
    "stage-balance.svg": lambda: svg.stage_cycle("balance"),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_picture_matches_its_golden_file(name: str) -> None:
    """One element a line, so a change reviews as a readable diff (pytest --update-golden)."""
    check_golden(CASES / name, GOLDEN[name]().replace("><", ">\n<") + "\n")


@pytest.mark.parametrize(("x", "shown"), [
    (-0.3, "-0.3"), (-10.5, "-10.5"), (12.0, "12"), (3.14159, "3.1"), (-0.04, "0"), (0.0, "0"),
    (-0.96, "-1"),
])
def test_coordinates_keep_their_sign_and_one_decimal(x: float, shown: str) -> None:
    from generator.pictures.base import num

    assert num(x) == shown


@pytest.mark.parametrize(("value", "unit", "text"), [
    (58, "%", "58%"), (15.5, "%", "15.5%"), (1234.5, "parcels", "1,234.5 parcels"),
    (2.999, None, "3"), (0.25, None, "0.25"), (0.004, "mg", "0.004 mg"), (-0.004, None, "−0.004"),
    (-3.1, "%", "−3.1%"),  # a minus sign, not a hyphen
])
def test_values_show_as_written_without_a_dangling_point(value: float, unit: str | None,
                                                          text: str) -> None:
    assert value_text(value, unit) == text
