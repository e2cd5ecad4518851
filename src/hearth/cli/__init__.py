"""The `hearth` command line: up, run-file, mute, listen, say, models, wake train."""
