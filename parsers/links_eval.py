"""Precision and recall of the citation and assignment extractors on their labelled sets.

The labels (tests/fixtures/links/*.yaml) were written by reading the texts, before the extractors ran on
them. A predicted citation is right when the labelled set of its document has the same number (compared
folded: "117/QĐUBND" and "117/QĐ-UBND" differ, as written); an assignment when its body tasked and its
deadline match a labelled one of the same document (see `_assignment_key`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from parsers.normalize import fold_vietnamese

LINKS_FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "links"


@dataclass
class Score:
    labelled: int = 0
    predicted: int = 0
    correct: int = 0
    type_right: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.labelled if self.labelled else 1.0


def _text(name: str, fixtures: Path) -> str:
    return (fixtures / "texts" / name).read_text(encoding="utf-8")


def evaluate_citations(fixtures: Path = LINKS_FIXTURES) -> tuple[Score, dict[str, Score]]:
    from parsers.citations import extract_citations

    labels = yaml.safe_load((fixtures / "citations.yaml").read_text(encoding="utf-8"))
    total, per_file = Score(), {}
    for name, entry in labels.items():
        expected = [item.split(" ", 1) for item in entry["citations"]]
        want = Counter(fold_vietnamese(number) for _, number in expected)
        want_type = {fold_vietnamese(number): code for code, number in expected}
        got = extract_citations(_text(name, fixtures), own_number=entry.get("own_number"))
        have = Counter(c.cited_number_key for c in got)
        score = Score(labelled=sum(want.values()), predicted=sum(have.values()))
        score.correct = sum(min(n, want[key]) for key, n in have.items())
        seen: Counter = Counter()
        for c in got:
            if seen[c.cited_number_key] < want[c.cited_number_key]:
                seen[c.cited_number_key] += 1
                score.type_right += c.cited_type == want_type[c.cited_number_key]
        per_file[name] = score
        for field in ("labelled", "predicted", "correct", "type_right"):
            setattr(total, field, getattr(total, field) + getattr(score, field))
    return total, per_file


def report(fixtures: Path = LINKS_FIXTURES) -> str:
    lines = []
    total, per_file = evaluate_citations(fixtures)
    lines.append("citations (labelled / predicted / correct, precision, recall):")
    for name, s in per_file.items():
        if s.labelled or s.predicted:
            lines.append(
                f"  {name:52} {s.labelled:4} {s.predicted:4} {s.correct:4}  {s.precision:.3f} {s.recall:.3f}"
            )
    type_acc = total.type_right / total.correct if total.correct else 1.0
    lines.append(
        f"  TOTAL {total.labelled} labelled, {total.predicted} predicted, {total.correct} correct: "
        f"precision {total.precision:.3f}, recall {total.recall:.3f}, type right on {type_acc:.1%} of matches"
    )
    if (fixtures / "assignments.yaml").exists():
        a_total, a_files = evaluate_assignments(fixtures)
        lines.append("assignments (labelled / predicted / correct, precision, recall):")
        for name, s in a_files.items():
            lines.append(
                f"  {name:52} {s.labelled:4} {s.predicted:4} {s.correct:4}  {s.precision:.3f} {s.recall:.3f}"
            )
        lines.append(
            f"  TOTAL {a_total.labelled} labelled, {a_total.predicted} predicted, {a_total.correct} correct: "
            f"precision {a_total.precision:.3f}, recall {a_total.recall:.3f}, "
            f"deadline right on {a_total.type_right}/{a_total.correct} matches"
        )
    if (fixtures / "assignments-heldout.yaml").exists():
        held, _ = evaluate_assignments(fixtures, "assignments-heldout.yaml")
        lines.append(
            f"assignments, held-out plan (headings only labelled: recall only): "
            f"{held.correct}/{held.labelled} found, recall {held.recall:.3f}"
        )
    return "\n".join(lines)


def _same_body(labelled: str, predicted: str) -> bool:
    """Bodies match on their first three folded words (a list of bodies may be cut after the first)."""
    a, b = fold_vietnamese(labelled).split()[:3], fold_vietnamese(predicted).split()[:3]
    return bool(a) and (a == b or a[: len(b)] == b or b[: len(a)] == a)


def evaluate_assignments(
    fixtures: Path = LINKS_FIXTURES, labels_file: str = "assignments.yaml"
) -> tuple[Score, dict[str, Score]]:
    """A prediction is right when it names the labelled body and its task text contains the labelled
    quote; `type_right` counts the matches whose deadline is right too (both none, or the labelled one
    inside the predicted deadline)."""
    from parsers.assignments import extract_assignments

    labels = yaml.safe_load((fixtures / labels_file).read_text(encoding="utf-8"))
    total, per_file = Score(), {}
    for name, expected in labels.items():
        got = extract_assignments(_text(name, fixtures))
        score = Score(labelled=len(expected), predicted=len(got))
        free = list(range(len(got)))
        for label in expected:
            quote = fold_vietnamese(label["quote"])
            for j in free:
                if _same_body(label["assignee"], got[j].assignee) and quote in fold_vietnamese(got[j].task):
                    free.remove(j)
                    score.correct += 1
                    want = fold_vietnamese(label.get("deadline") or "")
                    have = fold_vietnamese(got[j].deadline_text or "")
                    score.type_right += (want in have) if want else not have
                    break
        per_file[name] = score
        for field in ("labelled", "predicted", "correct", "type_right"):
            setattr(total, field, getattr(total, field) + getattr(score, field))
    return total, per_file
