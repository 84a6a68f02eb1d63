import subprocess
import sys

UI = ("ipywidgets", "anywidget", "voila", "plotly")


def test_core_imports_no_ui_library():
    code = (
        "import sys, segwidgets, segwidgets.cli, segwidgets.datasets\n"
        "import segwidgets._export, segwidgets.profiler, segwidgets.result\n"
        f"bad = [m for m in {UI!r} if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_profiling_imports_no_widget_library():
    code = (
        "import sys, segwidgets as sw\n"
        "p = sw.profile(sw.datasets.demo_customers(600), 'segment')\n"
        "p.to_frame(); p.to_markdown()\n"
        "print(','.join(m for m in ('ipywidgets', 'anywidget', 'voila') if m in sys.modules))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == ""


def test_figures_subpackage_is_reachable_lazily(demo_profile):
    import segwidgets as sw

    assert sw.figures.overview(demo_profile, top_n=3).data
