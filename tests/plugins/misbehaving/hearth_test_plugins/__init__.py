"""Test plugins: each misbehaves in one way the intent service must survive."""
