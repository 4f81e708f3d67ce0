"""Reviews as Word documents for drafting: out (writer.py, with hidden markers: markers.py) and
back in (reader.py, then imports.py: the preview of what would change and the draft save)."""
