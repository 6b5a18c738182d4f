"""The one thing pyproject.toml cannot say in a stable form: the optional C
reader of plain mountinfo lines (parsers/_mountinfo.c). Where it cannot be
built (no compiler, no Python headers), the install goes on without it and
the Python reader reads every line, with the same results."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("mountscope.parsers._mountinfo", ["parsers/_mountinfo.c"], optional=True),
    ]
)
