from __future__ import annotations

from pathlib import Path

import pytest

from tests.parsers_extract.official_pdf import render_official_pdf, seed_doc

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    return SAMPLES


@pytest.fixture(scope="session")
def official_000() -> tuple[bytes, object]:
    doc = seed_doc("000")
    return render_official_pdf(doc), doc


@pytest.fixture(scope="session")
def official_001() -> tuple[bytes, object]:
    doc = seed_doc("001")
    return render_official_pdf(doc), doc
