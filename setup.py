"""The one thing pyproject.toml cannot say in a stable form: the optional C
modules, the reader of plain mountinfo lines (parsers/_mountinfo.c) and the
writer of findmnt -J's rows (mountscope/render/_json_rows.c). Where they
cannot be built (no compiler, no Python headers), the install goes on
without them and their Python versions do the work, with the same results."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("mountscope.parsers._mountinfo", ["parsers/_mountinfo.c"], optional=True),
        Extension(
            "mountscope.render._json_rows", ["mountscope/render/_json_rows.c"], optional=True
        ),
    ]
)
