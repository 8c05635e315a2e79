"""The shipped Prometheus alert rules and Grafana dashboard: promtool checks and unit-tests the rules,
and every metric they name is one Lodestone emits."""
import json
import os
import re
import shutil
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
RULES = os.path.join(ROOT, "config", "prometheus", "lodestone-alerts.yml")
RULE_TESTS = os.path.join(ROOT, "config", "prometheus", "lodestone-alerts.test.yml")
DASHBOARD = os.path.join(ROOT, "config", "grafana", "lodestone-dashboard.json")


def promtool():
    path = shutil.which("promtool")
    if path is None:
        # CI installs Debian's prometheus package; elsewhere this says loudly that it did not run.
        assert not os.environ.get("LODESTONE_REQUIRE_PROMTOOL"), "LODESTONE_REQUIRE_PROMTOOL is set but promtool is missing"
        pytest.skip("promtool is missing (Debian package prometheus): the alert rules were NOT checked")
    return path


def test_promtool_checks_and_unit_tests_the_alert_rules():
    tool = promtool()
    check = subprocess.run([tool, "check", "rules", RULES], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "SUCCESS: 10 rules found" in check.stdout
    tested = subprocess.run([tool, "test", "rules", RULE_TESTS], capture_output=True, text=True,
                            cwd=os.path.dirname(RULE_TESTS))
    assert tested.returncode == 0, tested.stdout + tested.stderr


def emitted_names():
    """Metric names the sources register (a label string passed to swift-metrics), with the suffixes
    Prometheus adds to histograms and the names Hummingbird's request metrics are renamed to."""
    names = set()
    for folder, _, files in os.walk(os.path.join(ROOT, "Sources")):
        for f in files:
            if f.endswith(".swift"):
                with open(os.path.join(folder, f)) as source:
                    names |= set(re.findall(r'"(lodestone_[a-z_]+)"', source.read()))
    return names


def referenced_names(text):
    names = set(re.findall(r"\b(lodestone_[a-z_]+)", text))
    return {re.sub(r"_(bucket|count|sum)$", "", n) for n in names}


def test_every_metric_in_the_rules_and_the_dashboard_is_emitted():
    with open(RULES) as f:
        rules = f.read()
    with open(DASHBOARD) as f:
        dashboard = json.load(f)
    exprs = " ".join(t["expr"] for p in dashboard["panels"] for t in p["targets"])
    emitted = emitted_names()
    assert "lodestone_scan_lag_seconds" in emitted and "lodestone_api_request_duration_seconds" in emitted
    for where, text in (("alert rules", rules), ("dashboard", exprs)):
        unknown = referenced_names(text) - emitted
        assert not unknown, f"the {where} name metrics Lodestone never emits: {sorted(unknown)}"
    ids = [p["id"] for p in dashboard["panels"]]
    assert len(ids) == len(set(ids)) and dashboard["uid"] == "lodestone"
