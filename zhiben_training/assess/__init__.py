"""Assessments: question bank and papers, the nbgrader pipeline (generate, release, collect,
sandboxed autograde, feedback, export, import) and item analysis. See ``assessments/README.md``."""
