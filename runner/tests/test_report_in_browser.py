"""`revops report` on the demo, opened in headless Chromium (Debian's chromium and
chromium-driver, which scripts/test installs) with every network request refused: each
chart draws, the console stays clean, the page weighs under its budget and the
headline numbers are kpi_scorecard's.

REVOPS_REPORT_SCREENSHOT=docs/report.png also saves the screenshot there (the README's).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import duckdb
import pytest

from revops.report import Cut, write_report
from revops.report.data import HEADLINE

pytestmark = pytest.mark.slow

PAGE_BUDGET_BYTES = 3_000_000
CHARTS = 11  # every chart of the report; the demo has data for each in its latest quarter


@pytest.fixture(scope="module")
def report(demo_warehouse, project, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.html"
    write_report(demo_warehouse, Cut(), out, project.root)
    return out


@pytest.fixture(scope="module")
def browser():
    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not driver_path:
        pytest.fail("the report's browser test needs Debian's chromium and chromium-driver: "
                    "apt-get install chromium chromium-driver (scripts/test does it when root)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1200,1250", "--hide-scrollbars",
                     # no network: any request the page makes fails, and a failed load is a console error
                     "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                     "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    yield driver
    driver.quit()


def _drawn_marks(driver) -> dict[str, int]:
    """Per chart: the marks Vega drew in its SVG (paths with a shape)."""
    return driver.execute_script("""
        const drawn = {};
        for (const chart of document.querySelectorAll('[data-chart]')) {
            const paths = chart.querySelectorAll('svg g[class*="role-mark"] path');
            drawn[chart.dataset.chart] = [...paths].filter(p => (p.getAttribute('d') || '').length > 0).length;
        }
        return drawn;""")


def test_the_report_renders_offline_in_chromium(report, browser, demo_warehouse, tmp_path):
    started = time.monotonic()
    browser.get(report.as_uri())
    drawn = _drawn_marks(browser)
    while (len(drawn) < CHARTS or not all(drawn.values())) and time.monotonic() - started < 60:
        time.sleep(0.5)
        drawn = _drawn_marks(browser)
    assert len(drawn) == CHARTS and all(drawn.values()), f"charts with no marks drawn: {drawn}"

    errors = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "ERROR")]
    assert errors == []

    screenshot = tmp_path / "report.png"
    assert browser.save_screenshot(str(screenshot))
    if os.environ.get("REVOPS_REPORT_SCREENSHOT"):
        shutil.copyfile(screenshot, os.environ["REVOPS_REPORT_SCREENSHOT"])

    shown = browser.execute_script("""
        return [...document.querySelectorAll('.kpi')].map(k => [k.dataset.metric, k.querySelector('.value').textContent]);""")
    expected = _scorecard(demo_warehouse)
    assert [metric for metric, _ in shown] == [metric for metric in HEADLINE if metric in expected]
    assert set(expected) == set(HEADLINE)
    for metric, text in shown:
        value, unit = expected[metric]
        _assert_shows(text, value, unit, metric)

    # the change on the previous quarter: a rate in points, an amount in per cent
    changes = dict(browser.execute_script("""
        return [...document.querySelectorAll('.kpi')].map(k => [k.dataset.metric, k.querySelector('.change').textContent]);"""))
    before = _scorecard(demo_warehouse, previous=True)
    (win_rate, _), (win_rate_before, _) = expected["win_rate"], before["win_rate"]
    assert changes["win_rate"] == f"{(win_rate - win_rate_before) * 100:+.1f} pts vs FY2025-Q3"
    (arr, _), (arr_before, _) = expected["arr"], before["arr"]
    assert changes["arr"] == f"{(arr / arr_before - 1) * 100:+.1f}% vs FY2025-Q3"


def test_the_page_is_one_file_under_its_budget(report):
    page = report.read_text(encoding="utf-8")
    assert report.stat().st_size < PAGE_BUDGET_BYTES
    # nothing to fetch: no script, stylesheet or image from a URL in the page's own tags
    # (the embedded scripts' text is left out; the browser test refuses what they might fetch)
    tags = re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.DOTALL)
    assert tags.count("<script></script>") == 2
    assert not re.search(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=", tags, re.IGNORECASE)


def test_every_chart_states_its_definition_and_links_its_doc(report):
    page = report.read_text(encoding="utf-8")
    cards = re.findall(r'<section class="chart-card".*?</section>', page, re.DOTALL)
    assert len(cards) == CHARTS
    for card in cards:
        definition = re.search(r'<p class="definition">(.*?) <a href="([^"]+)">Definition: (kpi_\w+)</a>', card)
        assert definition, card[:200]
        doc = (report.parent / definition.group(2)).resolve()
        assert f"{{% docs {definition.group(3)} %}}" in doc.read_text(), (doc, definition.group(3))


def test_a_cut_with_no_data_says_so(demo_warehouse, project, tmp_path):
    # forecast accuracy and coverage are cut by owner and team only (their region is
    # always 'all'), so a region's report has no rows for them
    with duckdb.connect(str(demo_warehouse), read_only=True) as connection:
        for model in ("kpi_forecast_accuracy", "kpi_pipeline_coverage"):
            assert connection.execute(f"select count(*) from kpis.{model} where region = 'EMEA'").fetchone()[0] == 0
    out = tmp_path / "emea.html"
    written = write_report(demo_warehouse, Cut(region="emea"), out, project.root)
    page = out.read_text(encoding="utf-8")
    assert sorted(re.findall(r'data-empty="(\w+)">no data for this period<', page)) == \
        ["coverage_trend", "forecast_by_team"]
    assert (written.charts, written.empty_charts) == (CHARTS - 2, 2)
    assert "region=EMEA" in page


def _scorecard(warehouse: Path, previous: bool = False) -> dict[str, tuple[float | None, str]]:
    """The headline metrics of the latest quarter (or the one before) at the 'all' cut,
    read straight from kpi_scorecard."""
    with duckdb.connect(str(warehouse), read_only=True) as connection:
        rows = connection.execute("""
            select metric_name, value, unit from kpis.kpi_scorecard
            where period_type = 'quarter' and owner_user_id = 'all' and team = 'all'
              and segment = 'all' and region = 'all'
              and period_start = (select max(period_start) - (case when ? then interval 3 month else interval 0 month end)
                                  from kpis.kpi_scorecard where period_type = 'quarter')
        """, [previous]).fetchall()
    return {metric: (value, unit) for metric, value, unit in rows if metric in HEADLINE}


def _assert_shows(text: str, value: float | None, unit: str, metric: str) -> None:
    """The shown text, read back as a number, is the value to the digits shown."""
    assert value is not None, metric
    number = float(re.sub(r"[^0-9.\-]", "", text))
    if unit == "ratio":
        assert text.endswith("%") and abs(number - value * 100) <= 0.05 + 1e-9, (metric, text, value)
    elif unit == "multiple":
        assert text.endswith("x") and abs(number - value) <= 0.005 + 1e-9, (metric, text, value)
    elif unit == "days":
        assert text.endswith(" d") and abs(number - value) <= 0.05 + 1e-9, (metric, text, value)
    else:
        assert abs(number - value) <= 0.5 + 1e-9, (metric, text, value)
