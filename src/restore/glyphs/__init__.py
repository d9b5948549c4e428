"""Character confusion tables: rendered-glyph neighbours and OCR-mined confusion pairs."""

from restore.glyphs.tables import ConfusionTable, GlyphNeighbours, load_confusions, load_glyph_neighbours

__all__ = ["ConfusionTable", "GlyphNeighbours", "load_confusions", "load_glyph_neighbours"]
