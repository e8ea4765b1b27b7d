"""avtalebot: cited answers about NAV / fylkeskommune cooperation agreements."""

__version__ = "0.1.0"
