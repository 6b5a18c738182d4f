"""mountscope: what am I running on, and what does this machine's mount table say?

The package's modules import nothing heavy at import time: the JSON and text
paths (and a Lambda shell) never load Textual.
"""

import os

# The one place the version is written; pyproject.toml reads it from here.
__version__ = "0.1.0"

# In a source checkout, parsers/ and tui/ sit beside this folder and are
# installed as mountscope.parsers and mountscope.tui. Run from the checkout
# (python -m mountscope in its root), this folder is found before the installed
# copy, so the package looks for its two sub-packages beside it as well.
_checkout = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if os.path.isfile(os.path.join(_checkout, "parsers", "__init__.py")) and not os.path.isdir(
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "parsers")
):
    __path__.append(_checkout)
