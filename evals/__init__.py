"""Evals for the assessment engine: labelled datasets, evaluators and a harness (`evals.run`)."""
