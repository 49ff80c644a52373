"""The one error a bad configuration raises: its own module, so code that only reads settings (printer registry,
services) can name it without loading the TOML reader."""


class ConfigError(Exception):
    """The configuration cannot be used; the message names the file, key and what was expected."""
