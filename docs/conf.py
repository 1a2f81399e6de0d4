"""Sphinx configuration. Built in CI with warnings as errors.

The example notebooks live in the repository's notebooks/ folder; they are copied into
docs/_notebooks at each build and executed there by myst-nb, so the pages show their plots.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import engagemetrics

_HERE = Path(__file__).resolve().parent
shutil.rmtree(_HERE / "_notebooks", ignore_errors=True)
shutil.copytree(_HERE.parent / "notebooks", _HERE / "_notebooks",
                ignore=shutil.ignore_patterns(".ipynb_checkpoints"))

project = "engagemetrics"
author = "engagemetrics developers"
copyright = "2026, engagemetrics developers"
release = engagemetrics.__version__
version = release

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "numpydoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
]
source_suffix = {".md": "myst-nb", ".ipynb": "myst-nb", ".rst": "restructuredtext"}
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute"]
myst_enable_extensions = ["dollarmath", "colon_fence"]
myst_heading_anchors = 3

autodoc_typehints = "none"
autodoc_member_order = "bysource"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# The notebooks are executed at every build; an error in one fails the build.
nb_execution_mode = "force"
nb_execution_raise_on_error = True
nb_execution_timeout = 600
nb_execution_show_tb = True

intersphinx_mapping = {}
nitpicky = False
suppress_warnings = ["myst.xref_missing"]

html_theme = "pydata_sphinx_theme"
html_title = "engagemetrics"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "footer_start": ["copyright"],
    "footer_end": [],
}
