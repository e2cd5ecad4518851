"""The plugins Hearth ships, registered as entry points of the project like any other
(pyproject.toml, group `hearth.plugins`) and using only the public hooks of `hearth.plugins`.
"""
