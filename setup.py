"""Build configuration beyond pyproject.toml: the shipped data folders go into the package.

``corpora/`` and ``prompts/`` stay at the top of the repository; the wheel maps them into
the package as ``service/corpora`` and ``service/prompts``, where
``service.components.shipped`` finds them through ``importlib.resources``.
"""

from setuptools import find_packages, setup

SHIPPED = {"service.corpora": "corpora", "service.prompts": "prompts"}

setup(
    # evals: `assay eval` from a source checkout
    packages=[*find_packages(include=["service", "service.*", "evals", "evals.*"]), *SHIPPED],
    package_dir=SHIPPED,
    package_data={
        "service": ["db/migrations/*.py", "db/migrations/*.mako", "db/migrations/versions/*.py",
                    "py.typed",
                    "web/templates/*.html", "web/static/*.css", "web/static/*.js",
                    "web/static/*.svg", "web/static/vendor/*",
                    "components/exporters/templates/*.html"],
        "service.corpora": ["*.yaml", "*.md", "frameworks/*.yaml", "crosswalks/*.yaml",
                            "schema/*"],
        "service.prompts": ["*.yaml"],
    },
)
