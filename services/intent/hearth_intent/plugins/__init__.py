"""Hearth's built-in intent plugins. Each goes through the public SDK (`hearth.plugins`) exactly
as a third-party plugin does, and is registered as an entry point of the project."""
