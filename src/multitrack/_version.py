"""The version of multitrack, in a module of its own so that every layer can read it without
importing the package's public interface (``multitrack/__init__.py``), which sits above them."""

__version__ = "0.1.0"
