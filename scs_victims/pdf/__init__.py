"""Printed documents: one renderer base that every PDF of the application builds on.

``scs_victims.pdf.base.Renderer`` draws what definitions §7 asks of every printed page (the
protective marking at the top and bottom, the time the document was produced, "Page x of y"),
embeds DejaVu Sans so that any name prints, and returns the document as bytes. A document is a
subclass that writes its ``story``; user text goes through ``text``/``Renderer.para``, which
escape it before ReportLab's paragraph markup sees it.
"""

from scs_victims.pdf.base import Renderer, escape_text

__all__ = ["Renderer", "escape_text"]
