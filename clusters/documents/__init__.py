"""Printable documents (DOCX) in the layout of Decree 30/2020/NĐ-CP.

``decree30`` is the framework-free layout builder; the other modules read the
database and fill it in (``pledge.pledge_docx``).
"""
