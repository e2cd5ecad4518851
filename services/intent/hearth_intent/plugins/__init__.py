"""Hearth's built-in intent plugins: each one a package that imports only the plugin SDK
(`hearth.plugins`), found through its entry point in the `hearth.plugins` group like any
third-party plugin."""
