"""The suites of `assay eval`: retrieval, scoring, robustness, chat and projection."""
