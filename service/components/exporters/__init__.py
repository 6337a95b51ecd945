"""Exporters over outside libraries: openpyxl (xlsx, SoA), WeasyPrint (pdf), trestle (OSCAL)."""
