"""`charters assess report`: one leader's 360-degree report, a file for that leader alone.

Self-rating beside colleagues' ratings, per partner leader pillar. Colleagues' figures follow the
site's rule (a statement counts once `threshold` colleagues rated it), so the report names no
colleague's answers either. The site never reads these files: the report is written where the
secretariat says, and the page only ever shows ratings pooled over every leader rated.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from generator.errors import ChartersError, Problem
from generator.model import Charter
from generator.selfassess.aggregate import summarise
from generator.selfassess.assessments import checklists_for
from generator.selfassess.merge import load_charter, read_responses
from generator.selfassess.responses import Response
from generator.text import inline


def report(charter: Charter, subject: str, responses: Sequence[Response], threshold: int) -> str:
    """The Markdown report on `subject`: their own response, if given, and colleagues' ratings.

    Responses without `subject:` are the leader's own (at most one); those about another leader
    are refused, so one leader's report never carries another's ratings."""
    leader = [r for r in responses if r.checklist == "partner-leader"]
    problems = [Problem(r.path, 1, 1, "subject", f"this response is about '{r.subject}', not "
                                                 f"'{subject}'; leave it out")
                for r in leader if r.subject and r.subject != subject]
    problems += [Problem(r.path, 1, 1, "checklist", "not a partner-leader response; leave it out")
                 for r in responses if r.checklist != "partner-leader"]
    own = [r for r in leader if not r.subject]
    problems += [Problem(r.path, 1, 1, "subject", "a second response without subject:; only "
                                                  "the leader's own self-rating may leave it out")
                 for r in own[1:]]
    if problems:
        raise ChartersError(problems)
    others = [r for r in leader if r.subject == subject]
    if len(others) < threshold:
        raise ChartersError(f"'{subject}' has {len(others)} colleague response"
                            f"{'s' * (len(others) != 1)}, fewer than the threshold {threshold}; "
                            "wait for more before writing the report")
    checklist = next(c for c in checklists_for(charter) if c.id == "partner-leader")
    theirs = summarise(checklist, others, threshold, raters="others")
    mine = dict(own[0].answers) if own else {}
    lines = [f"# 360-degree feedback: {inline(subject)}", "",
             f"Partnership: {inline(charter.title)}. {len(others)} colleagues answered"
             f"{'' if own else '; no self-rating was given'}. For {inline(subject)} alone: do not "
             "publish or commit this file.", "",
             "| Pillar | Your rating (median) | Colleagues (median) | Colleagues |",
             "| --- | --- | --- | --- |"]
    for pillar, summary in zip(checklist.pillars, theirs.pillars, strict=True):
        own_ratings = sorted(mine[st.id] for st in pillar.statements if st.id in mine)
        self_median = (f"{_median(own_ratings):g}" if own_ratings else "not rated")
        if summary.shown and summary.median is not None:
            them = f"{summary.median:g}"
            who = f"{summary.respondents}"
        else:
            them, who = "too few to show", f"needs {summary.needed} more"
        lines.append(f"| {inline(pillar.title or pillar.id)} | {self_median} | {them} | {who} |")
    lines += ["", "Colleagues' figures count only the statements at least "
                  f"{threshold} of them rated, so no one colleague's answers can be read."]
    return "\n".join(lines) + "\n"


def _median(values: Sequence[int]) -> float:
    n = len(values)
    mid = n // 2
    return float(values[mid]) if n % 2 else (values[mid - 1] + values[mid]) / 2


def run_report(files: Sequence[Path], charters_dir: Path, charter_id: str, subject: str,
               threshold: int, out: Path) -> Path:
    """Check `files` and write `subject`'s report to `out` (never inside the site's sources)."""
    charter = load_charter(charters_dir, charter_id)
    text = report(charter, subject, read_responses(files, charter), threshold)
    resolved = out.resolve()
    for source in (charters_dir.resolve(), Path("docs").resolve()):
        if resolved.is_relative_to(source):
            raise ChartersError(f"{out} is inside {source.name}/, which the site publishes; "
                                "write the report elsewhere")
    out.write_text(text, encoding="utf-8")
    return out
