"""Biên bản họp bình xét for the report pipeline: the minutes as DOCX and PDF.

The minutes are written by ``documents.minutes`` (which returns the DOCX);
this builder runs it while capturing the ``OfficialDocument`` it lays out
(``decree30.capture_documents``) and renders that same document a second
time as the print copy, so the PDF says exactly what the DOCX says. A draft
("DỰ THẢO", asked for before the ranking is frozen) gets the watermark on
every page of both files. Should the minutes builder one day return its own
PDF, its files are passed through unchanged.
"""

from django.utils import translation

from ..services.reports import BuiltFile, Progress
from . import minutes
from .decree30 import capture_documents
from .year_report import DOCX_TYPE, DRAFT_MARK, PDF_TYPE


def build(job, progress: Progress) -> list[BuiltFile]:
    """``ReportKind.MINUTES``: the minutes of the year's final vote, DOCX and PDF."""

    def first_half(percent: int, step: str) -> None:
        # The minutes' own steps take the first half of the bar.
        progress(min(percent, 100) // 2, step)

    with translation.override("vi"), capture_documents() as documents:
        files = minutes.build(job, first_half)
    if any(f.filename.endswith(".pdf") for f in files):
        return files
    docx = next((f for f in files if f.filename.endswith(".docx")), None)
    if docx is None or not documents:
        raise RuntimeError("the minutes builder returned no DOCX laid out with OfficialDocument")
    doc = documents[-1]
    name = docx.filename.removesuffix(".docx")
    content = docx.content
    if job.draft:
        name += "-du-thao"
        doc.add_watermark(DRAFT_MARK)
        progress(55, "Đánh dấu dự thảo")
        content = doc.to_bytes()
    progress(65, "Tạo bản PDF")
    pdf = doc.to_pdf_bytes()
    progress(95, "Đã tạo DOCX và PDF")
    others = [f for f in files if f is not docx]
    return [
        BuiltFile(f"{name}.docx", DOCX_TYPE, content),
        BuiltFile(f"{name}.pdf", PDF_TYPE, pdf),
        *others,
    ]
