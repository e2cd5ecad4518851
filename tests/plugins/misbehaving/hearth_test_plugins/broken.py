"""A plugin whose import fails (a dependency that is not installed)."""

import hearth_no_such_dependency  # noqa: F401
