import plotly.graph_objects as go
import pytest

from segwidgets import figures

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture(autouse=True)
def no_show(monkeypatch):
    def fail(*a, **k):
        raise AssertionError("figures must not call show()")

    monkeypatch.setattr(go.Figure, "show", fail)


def test_every_chart_builds(demo_profile):
    charts = [
        figures.overview(demo_profile, top_n=5),
        figures.index_heatmap(demo_profile),
        figures.importance_bar(demo_profile),
        figures.confusion_heatmap(demo_profile),
        figures.segment_sizes(demo_profile),
    ]
    charts += [figures.feature_chart(demo_profile, f) for f in demo_profile.importance.index]
    for fig in charts:
        assert isinstance(fig, go.Figure) and fig.data
        fig.to_json()  # serialisable


def test_chart_kinds_follow_feature_kinds(demo_profile):
    assert demo_profile.feature("orders_12m").kind == "numeric"
    assert {t.type for t in figures.feature_chart(demo_profile, "orders_12m").data} == {"box"}
    assert {t.type for t in figures.feature_chart(demo_profile, "is_member").data} == {"bar"}
    stacked = figures.feature_chart(demo_profile, "channel")
    assert stacked.layout.barmode == "stack"
    for i in range(len(stacked.data[0].y)):
        assert sum(t.x[i] for t in stacked.data) == pytest.approx(1.0)


def test_same_colour_per_segment_everywhere(demo_profile):
    colours = figures.segment_colors(demo_profile.labels)
    over = figures.overview(demo_profile)
    imp = figures.importance_bar(demo_profile)
    for fig in (over, imp):
        assert {t.name: t.marker.color for t in fig.data} == colours
    sizes = figures.segment_sizes(demo_profile).data[0]
    assert list(sizes.marker.color) == [colours[n] for n in demo_profile.labels]
    assert len(set(colours.values())) == len(colours)


def test_overview_has_top_n_features_with_raw_hover(demo_profile):
    fig = figures.overview(demo_profile, top_n=4)
    assert len(fig.data) == len(demo_profile.labels)
    assert len(fig.data[0].x) == 4
    assert "channel = " in " ".join(fig.data[0].x) or "channel" not in demo_profile.top_features(4)
    assert all(0 <= y <= 1 for t in fig.data for y in t.y)


def test_user_strings_are_escaped(hostile_profile_small):
    fig = figures.importance_bar(hostile_profile_small)
    labels = list(fig.data[0].y)
    assert XSS not in labels and "&lt;img src=x onerror=alert(1)&gt;" in labels
    chart = figures.feature_chart(hostile_profile_small, XSS)
    assert "&lt;img" in chart.layout.title.text


@pytest.fixture(scope="module")
def hostile_profile_small():
    from conftest import planted

    import segwidgets as sw

    return sw.profile(planted(900).rename(columns={"spend": XSS}), "group")


def test_accessor_matches_functions(demo_profile):
    assert demo_profile.figures.overview(top_n=3) == figures.overview(demo_profile, top_n=3)
