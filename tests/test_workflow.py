"""The CI workflow to copy: the distribution the Makefile targets, no hidden failures,
a gate on errors only, one sticky comment, a light publish job."""

from __future__ import annotations

from typing import Any

import yaml

from conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "handouts.yml"


def _workflow() -> dict[str, Any]:
    data = yaml.safe_load(WORKFLOW.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _runs(job: dict[str, Any]) -> list[str]:
    return [str(step.get("run", "")) for step in job["steps"]]


def test_every_job_runs_in_debian_bookworm() -> None:
    jobs = _workflow()["jobs"]
    assert set(jobs) == {"check", "build", "publish"}
    for name, job in jobs.items():
        assert job.get("container") == "debian:bookworm", name


def test_no_failure_is_hidden() -> None:
    text = WORKFLOW.read_text("utf-8")
    assert "|| true" not in text and "continue-on-error" not in text


def test_pull_requests_are_gated_on_errors_not_on_untranslated_messages() -> None:
    runs = "\n".join(_runs(_workflow()["jobs"]["check"]))
    assert ".venv/bin/pipeline check\n" in runs + "\n"
    assert "--strict" not in runs
    assert "pipeline extract --check" in runs and "pipeline update --check" in runs
    assert "make test" in runs


def test_progress_is_one_comment_updated_in_place() -> None:
    job = _workflow()["jobs"]["check"]
    assert job["permissions"]["pull-requests"] == "write"
    scripts = [s["with"]["script"] for s in job["steps"] if "github-script" in s.get("uses", "")]
    assert len(scripts) == 1
    assert "updateComment" in scripts[0] and "createComment" in scripts[0]
    assert "handouts-translation-progress" in scripts[0]


def test_downloads_are_cached() -> None:
    for name in ("check", "build"):
        uses = [s.get("uses", "") for s in _workflow()["jobs"][name]["steps"]]
        assert any(u.startswith("actions/cache@") for u in uses), name


def test_publish_installs_only_the_package() -> None:
    runs = "\n".join(_runs(_workflow()["jobs"]["publish"]))
    assert "make venv" in runs
    assert "make setup" not in runs and "make system" not in runs
    assert "pipeline report merge" in runs
