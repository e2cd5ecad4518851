"""hearth-shopping-list: a shopping list for Hearth (the hooks are in plugin.py)."""
