"""Character confusion tables: rendered-glyph neighbours, OCR-mined confusion pairs, sound-alikes."""

from restore.glyphs.tables import (
    ConfusionTable,
    GlyphNeighbours,
    PhoneticNeighbours,
    load_confusions,
    load_glyph_neighbours,
)

__all__ = ["ConfusionTable", "GlyphNeighbours", "PhoneticNeighbours", "load_confusions", "load_glyph_neighbours"]
