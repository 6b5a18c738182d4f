"""mountscope: what am I running on, and what does this machine's mount table say?

The package's modules import nothing heavy at import time: the JSON and text
paths (and a Lambda shell) never load Textual.
"""

__version__ = "0.1.0"
