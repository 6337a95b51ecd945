"""One evaluator per eval; each returns its report as Markdown."""
