"""The `hearth` command line: up, run-file, mute, models, wake train."""
