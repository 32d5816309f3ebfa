"""Compiles the translation catalogues (monitor/locale/*/LC_MESSAGES/monitor.po -> .mo) whenever the package is
built or installed, `pip install -e .` included; everything else is in pyproject.toml."""
import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithCatalogues(build_py):
    def run(self) -> None:
        path = Path(__file__).resolve().parent / "monitor" / "catalogues.py"
        spec = importlib.util.spec_from_file_location("monitor_catalogues", path)
        catalogues = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(catalogues)
        catalogues.compile_all()
        super().run()


setup(cmdclass={"build_py": BuildWithCatalogues})
