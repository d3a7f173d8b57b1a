"""A gettext-based publishing pipeline for multilingual health handouts."""

__version__ = "0.1.0"
