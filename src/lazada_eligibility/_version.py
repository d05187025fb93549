"""The one place the version number is written; read it from the metadata."""

__version__ = "0.1.0.dev0"
