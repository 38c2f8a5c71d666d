"""The `charters` command. The only module that reads argv or prints for the user."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path

from generator.errors import ChartersError, Problem, printable

DEFAULT_DIR = Path("charters")


def _print_problems(problems: Sequence[Problem], fmt: str) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)
        if fmt == "github":
            print(problem.github())
    files = len({p.path for p in problems})
    print(f"{len(problems)} problem{'s' * (len(problems) != 1)} in {files} "
          f"file{'s' * (files != 1)}", file=sys.stderr)


def _print_warnings(warnings: Sequence[Problem], fmt: str) -> None:
    for w in warnings:
        print(printable(f"{w.path}:{w.line}:{w.column}: warning: {w.where}: {w.message}"),
              file=sys.stderr)
        if fmt == "github":
            print(w.github().replace("::error ", "::warning ", 1))


def cmd_validate(args: argparse.Namespace) -> int:
    from generator.review.signoff import unreviewed
    from generator.selfassess.responses import check_folders, check_response_file, is_response_file
    from generator.source import find, read_all
    from generator.validate import stale_pledges

    paths = args.paths or [DEFAULT_DIR]
    # A file in a charter's assessments/ folder is a self-assessment response, not a charter.
    responses = [p for p in paths if is_response_file(p)]
    others = [p for p in paths if not is_response_file(p)]
    charters, problems = read_all(others) if others else ([], [])
    # Cross-checks against the built-in checklists, which the build would otherwise be first
    # to make (with a page's name instead of the charter's line).
    from generator.selfassess.assessments import check_charter_assessments

    for charter in charters:
        if charter.assessments:
            problems += check_charter_assessments(charter)
    problems += check_folders(others)
    for path in responses:
        problems += check_response_file(path)
    if problems:
        _print_problems(sorted(set(problems)), args.format)
        return 1
    _print_warnings(unreviewed(charters) + stale_pledges(charters, dt.date.today()),
                    args.format)
    from generator.selfassess.responses import individual_warnings

    for folder in (p for p in others if p.is_dir()):
        _print_warnings(individual_warnings(folder, read_all([folder])[0]), args.format)
    files, _ = find(others)
    said = []
    if others:
        said.append(f"{len(charters)} charter{'s' * (len(charters) != 1)} valid "
                    f"({', '.join(str(f) for f in files[:5])}{', ...' if len(files) > 5 else ''})")
    if responses:
        said.append(f"{len(responses)} response file{'s' * (len(responses) != 1)} valid")
    print(printable("; ".join(said)))
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from generator.starter import write_starter

    path = write_starter(args.id, args.dir)
    print(f"wrote {path}: edit it, then run `charters validate {path}`")
    return 0


def cmd_render(args: argparse.Namespace) -> int:
    from generator.output import write_markdown

    written = write_markdown(args.charters, args.out, args.date or dt.date.today())
    print(f"wrote {written} files to {args.out}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from generator.review.diff import run_diff

    print(run_diff(args.base, args.head, args.format, args.charters), end="")
    return 0


def cmd_signoff(args: argparse.Namespace) -> int:
    from generator.review.diff import changes_between
    from generator.review.signoff import run_signoff

    changes = changes_between(args.base, args.head, args.charters)
    text, code = run_signoff(changes, args.reviews, args.teams, args.author, args.list_teams)
    print(text, end="")
    return code


def cmd_owners(args: argparse.Namespace) -> int:
    from generator.review.owners import run_owners

    return run_owners(args.charters, args.out, check=args.check)


def cmd_assess_merge(args: argparse.Namespace) -> int:
    from generator.selfassess.merge import run_merge

    out = run_merge(args.files, args.charters, args.charter, args.round, args.threshold)
    print(f"wrote {out} ({len(args.files)} response files merged): commit it; do not commit "
          "the response files")
    return 0


def cmd_assess_report(args: argparse.Namespace) -> int:
    from generator.selfassess.report import run_report

    out = run_report(args.files, args.charters, args.charter, args.subject, args.threshold,
                     args.out)
    print(f"wrote {out}: for {args.subject} alone; do not commit or publish it")
    return 0


def _threshold(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number of people, 1 or more")
    return int(text)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date YYYY-MM-DD") from None


def parser() -> argparse.ArgumentParser:
    """The argument parser, with help for every command."""
    top = argparse.ArgumentParser(
        prog="charters",
        description="Validate, render and review partnership charters kept as YAML in git.")
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check charters and report every problem",
                       description="Check charter files (and committed self-assessment responses) "
                                   "and print every problem as path:line:column: message. "
                                   "Exit 0 when all are valid, 1 when any is not, 2 on misuse.")
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                   help="charter files or folders (default: charters/)")
    p.add_argument("--format", choices=("text", "github"), default="text",
                   help="'github' also prints ::error annotations for GitHub Actions")
    p.set_defaults(run=cmd_validate)

    p = sub.add_parser("new", help="write a commented starter charter",
                       description="Write charters/ID.yaml: a commented starter charter that "
                                   "validates, ready to edit.")
    p.add_argument("id", metavar="ID", help="the charter id: lowercase letters, digits, hyphens")
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder to write into")
    p.set_defaults(run=cmd_new)

    p = sub.add_parser("render", help="write the site's Markdown pages to a folder",
                       description="Render every charter to the same Markdown pages the MkDocs "
                                   "plugin publishes, for inspection or another publisher. "
                                   "It writes into a new or empty folder, or one it wrote "
                                   "before, where it replaces only the files it wrote (listed "
                                   "in DIR/.charters-render) and leaves any other file alone.")
    p.add_argument("--out", type=Path, required=True, metavar="DIR",
                   help="folder to write the pages into")
    p.add_argument("--charters", type=Path, default=DEFAULT_DIR, help="the charters folder")
    p.add_argument("--date", type=_date, help="build date for overdue flags (default: today)")
    p.set_defaults(run=cmd_render)

    p = sub.add_parser("diff", help="summarise charter changes between two git revisions",
                       description="Compare charters between two git revisions, section by "
                                   "section, and print a Markdown summary for a pull request "
                                   "(or JSON): each change with the partners who must sign it "
                                   "off, ending with those partners and their reviewers.")
    p.add_argument("base", nargs="?", help="base revision (default: merge base with main)")
    p.add_argument("head", nargs="?", help="head revision (default: the working tree)")
    p.add_argument("--format", choices=("markdown", "json"), default="markdown")
    p.add_argument("--charters", type=Path, default=DEFAULT_DIR, help="the charters folder")
    p.set_defaults(run=cmd_diff)

    p = sub.add_parser("signoff", help="check that every partner a change needs has approved",
                       description="Exit 0 when every partner whose sign-off the change from "
                                   "BASE to HEAD needs has an approval from one of its reviewers "
                                   "(a partner without reviewers: from the hub partner's) in the "
                                   "pull request's reviews; else exit 1, naming the partners "
                                   "still to approve. See docs/review-workflow.md.")
    p.add_argument("base", help="base revision, like origin/main")
    p.add_argument("head", nargs="?", help="head revision (default: the working tree)")
    p.add_argument("--reviews", type=Path, metavar="FILE",
                   help="the reviews as JSON, as `gh api repos/OWNER/REPO/pulls/N/reviews` "
                        "returns them (pages back to back are fine)")
    p.add_argument("--teams", type=Path, metavar="FILE",
                   help="YAML or JSON mapping each '@org/team' handle to its members' logins")
    p.add_argument("--author", metavar="LOGIN",
                   help="the pull request's author, whose own approval never counts")
    p.add_argument("--list-teams", action="store_true",
                   help="print the team handles whose members decide this sign-off, and exit")
    p.add_argument("--charters", type=Path, default=DEFAULT_DIR, help="the charters folder")
    p.set_defaults(run=cmd_signoff)

    p = sub.add_parser("owners", help="write CODEOWNERS from the partners' reviewers",
                       description="Write a CODEOWNERS file that maps each charter file to the "
                                   "reviewers declared for its partners; --check fails when the "
                                   "committed file is out of date.")
    p.add_argument("--charters", type=Path, default=DEFAULT_DIR, help="the charters folder")
    p.add_argument("--out", type=Path, default=Path(".github/CODEOWNERS"), help="file to write")
    p.add_argument("--check", action="store_true", help="fail if the file is out of date")
    p.set_defaults(run=cmd_owners)

    p = sub.add_parser("assess", help="merge self-assessment answers without naming anyone",
                       description="Work with self-assessment response files sent to the "
                                   "secretariat. See docs/guide/self-assessment.md.")
    assess = p.add_subparsers(dest="assess_command", required=True, metavar="COMMAND")
    p = assess.add_parser("merge", help="merge response files into one round's counts",
                          description="Check each response file and write "
                                      "charters/ID/assessments/ROUND.yaml: per statement, how "
                                      "many people gave each rating, and per partner or role "
                                      "group only where the group has at least THRESHOLD "
                                      "people. No names, no per-person record. Refuses a round "
                                      "with fewer respondents than THRESHOLD (exit 1).")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="response files")
    p.add_argument("--charter", required=True, metavar="ID", help="the charter they answer")
    p.add_argument("--round", metavar="ROUND",
                   help="the round, like 2026-autumn (default: the charter's round open today, "
                        "as the page suggests it; without rounds, this quarter, like 2026-Q4)")
    p.add_argument("--threshold", type=_threshold, default=3, metavar="N",
                   help="fewest people behind any count (default: 3)")
    p.add_argument("--charters", type=Path, default=DEFAULT_DIR, help="the charters folder")
    p.set_defaults(run=cmd_assess_merge)
    p = assess.add_parser("report", help="write one leader's 360-degree report, never published",
                          description="Check partner-leader response files and write the "
                                      "report on one leader: their self-rating (the one file "
                                      "without subject:) beside colleagues' ratings about them "
                                      "(subject: ID), per pillar, colleagues' figures only where "
                                      "THRESHOLD of them rated. Write it outside charters/ and "
                                      "docs/ and give it to that leader alone.")
    p.add_argument("files", nargs="+", type=Path, metavar="FILE", help="response files")
    p.add_argument("--subject", required=True, metavar="ID", help="the leader rated")
    p.add_argument("--charter", required=True, metavar="ID", help="the charter they answer")
    p.add_argument("--out", required=True, type=Path, metavar="FILE", help="the report to write")
    p.add_argument("--threshold", type=_threshold, default=3, metavar="N",
                   help="fewest colleagues behind any figure (default: 3)")
    p.add_argument("--charters", type=Path, default=DEFAULT_DIR, help="the charters folder")
    p.set_defaults(run=cmd_assess_report)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    args = parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except ChartersError as e:
        if e.problems:
            _print_problems(e.problems, getattr(args, "format", "text"))
        else:
            print(f"charters {args.command}: {e}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
