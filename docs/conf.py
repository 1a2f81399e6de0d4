"""Sphinx configuration. Built in CI with warnings as errors."""

from __future__ import annotations

import engagemetrics

project = "engagemetrics"
author = "engagemetrics developers"
copyright = "2026, engagemetrics developers"
release = engagemetrics.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

autodoc_typehints = "none"
autodoc_member_order = "bysource"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
napoleon_use_ivar = True

intersphinx_mapping = {}
nitpicky = False
suppress_warnings = ["myst.xref_missing"]

html_theme = "alabaster"
html_title = "engagemetrics"
