"""Every payload the site must show as typed and never run, and a charter that uses them all.

Run this file to rewrite charters/hostile.yaml beside it.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PAYLOADS = [
    "<script>alert('script')</script>",
    "<img src=x onerror=alert('img')>",
    "<a href=\"javascript:alert('a')\" onclick=\"alert('click')\">link</a>",
    "[js link](javascript:alert('md'))",
    "[data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![tracker](https://evil.example/pixel.png)",
    "<iframe src=\"https://evil.example/\"></iframe>",
    "<style>body { display: none }</style>",
    "{{ config.site_name }}",
    "{% include 'base.html' %}",
    "--8<-- \"/etc/passwd\"",
    "left | right",
    "{: onclick=\"alert('attr')\" }",
    "&lt;b&gt;typed entity&lt;/b&gt;",
    "x \\`<img src=x onerror=alert(1)>`",
    "~~~ x y\n<img src=x onerror=alert(2)>\n~~~",
    "[entity link](javascript&#58;alert(1))",
]
ONE_LINE_OPENERS = ["# Not a heading", "!!! danger \"Not an admonition\"", "- not a list",
                    "1. not a numbered list", "> not a quote", "=== \"Not a tab\""]
TITLE = "</title><script>alert('title')</script> Hostile & Co"


def every(prefix: str) -> str:
    return prefix + " " + " ".join(one_line(p) for p in PAYLOADS)


def one_line(payload: str) -> str:
    # One-line fields refuse line breaks (validate says where), so they get each payload folded.
    return " ".join(payload.split("\n"))


def charter() -> dict[str, object]:
    pledges = []
    for i, payload in enumerate(PAYLOADS + ONE_LINE_OPENERS):
        pledges.append({"id": f"H-{i:02d}", "by": "alpha", "to": ["beta"],
                        "text": payload + "\nsecond line", "owner": one_line(payload),
                        "due": "2026-01-01", "status": "active", "metrics": ["m"],
                        "updates": [{"date": "2025-11-01", "text": payload + "\nsecond line",
                                     "due": "2026-01-01", "previous_due": "2025-12-01",
                                     "reason": one_line(payload)}]})
    return {
        "title": TITLE,
        "summary": "\n\n".join(PAYLOADS + ONE_LINE_OPENERS),
        "hub": "alpha",
        "partners": [
            {"id": "alpha", "name": every("Alpha"), "lead": "# Lead | with pipe and a tab\there"},
            {"id": "beta", "name": "!!! danger \"Beta\"", "lead": every("Lead"),
             "networks": [one_line(p) for p in PAYLOADS + ONE_LINE_OPENERS]},
        ],
        "vision": {"statement": "\n\n".join(PAYLOADS),
                   "outcomes": [one_line(p) for p in PAYLOADS + ONE_LINE_OPENERS]},
        "principles": [{"title": one_line(p), "description": p} for p in PAYLOADS],
        "rules_of_engagement": PAYLOADS,
        "pledges": pledges,
        "metrics": [{"id": "m", "name": every("Metric"), "unit": "<b>u</b>",
                     "direction": "increase", "baseline": 1, "target": 5,
                     "measurements": [{"date": "2026-01-01", "value": 2}]}],
        "engagement": {"mechanisms": [{"name": one_line(p), "mode": "face-to-face",
                                       "frequency": one_line(p), "partners": ["all"]}
                                      for p in PAYLOADS[:4]],
                       "links": [["alpha", "beta"]]},
        "meetings": [{"date": "2026-01-01", "mechanism": one_line(p), "host": "beta",
                      "attended": ["alpha", "beta"], "note": one_line(q)}
                     for p, q in zip(PAYLOADS[:4], PAYLOADS[4:8], strict=True)],
    }


if __name__ == "__main__":
    out = Path(__file__).parent / "charters" / "hostile.yaml"
    out.parent.mkdir(exist_ok=True)
    out.write_text(yaml.safe_dump(charter(), sort_keys=False, allow_unicode=True, width=1000),
                   encoding="utf-8")
