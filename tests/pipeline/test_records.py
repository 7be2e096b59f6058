from pipeline.merge import merge_witnesses as merge_listed
from pipeline.primary import choose_primary
from scrapers.models import Attachment


def test_pdf_is_preferred_over_word_and_unknown_files():
    atts = (
        Attachment("http://h/a?download=1&id=0", "ban-word.doc"),
        Attachment("http://h/a?download=1&id=1", "ban-ky.pdf"),
    )
    assert choose_primary(atts).filename == "ban-ky.pdf"


def test_extension_is_read_from_the_url_when_the_filename_is_missing():
    atts = (Attachment("http://h/files/x.docx"), Attachment("http://h/files/y.pdf"))
    assert choose_primary(atts).url.endswith("y.pdf")


def test_no_attachment_means_the_page_is_the_document():
    assert choose_primary(()) is None


def test_listing_fills_missing_fields_and_says_so():
    merged = merge_listed({"number": None, "warnings": []}, {"number": "168-TB/HU"})
    assert merged["number"] == "168-TB/HU"
    assert any("taken from the portal" in w for w in merged["warnings"])
    assert merged["field_sources"]["number"] == "portal"


def test_document_wins_over_listing_but_disagreement_is_recorded():
    merged = merge_listed({"number": "168-TB/HU", "warnings": []}, {"number": "186-TB/HU"})
    assert merged["number"] == "168-TB/HU"
    assert any("186-TB/HU" in w for w in merged["warnings"])
    assert merged["field_sources"]["number"] == "conflict"
